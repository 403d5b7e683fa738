import CordonDomain
import CordonStore
import Crypto
import Foundation

/// The tamper-evident audit log: sealing entries into the hash chain, signing its head,
/// verifying it, and exporting it for offline verification.
extension HubServices {
    /// Chains the entries written since the last seal (the sealer runs this twice a second).
    public func sealAudit() async throws {
        let batch = 1000
        while try await store.sealAudit(limit: batch) == batch {}
    }

    /// Signs the chain's head, unless it has not moved since the last checkpoint.
    public func checkpointAudit() async throws {
        try await sealAudit()
        guard let head = try await store.auditHead() else { return }
        if try await store.latestAuditCheckpoint()?.seal == head.seal { return }
        let at = now()
        let signed = try notary.sign(AuditChain.CheckpointStatement(seal: head.seal, headHash: head.hash, at: HubStore.iso(at)))
        try await store.addAuditCheckpoint(AuditCheckpointRecord(
            seal: head.seal, headHash: head.hash, at: at, statement: signed.statement, signature: signed.signature))
    }

    /// The whole chain checked against the hub's signed checkpoints.
    public func verifyAudit(by caller: Caller) async throws -> API.AuditVerification {
        try authorise(.verifyAudit, caller)
        let export = try await chain()
        let problems = AuditChain.verify(export.entries, checkpoints: export.checkpoints) { checkpoint in
            export.keys.contains { Self.isSigned(checkpoint, by: $0.publicKey) }
        }
        return API.AuditVerification(
            verified: problems.isEmpty, sealed: export.entries.filter { $0.seal != nil }.count,
            unsealed: export.entries.filter { $0.seal == nil }.count, checkpoints: export.checkpoints.count,
            problems: problems, publicKey: export.publicKey)
    }

    /// Every entry and checkpoint, and the key that signed them: what `cordon audit verify
    /// --file` checks offline.
    public func auditChain(by caller: Caller) async throws -> API.AuditChainExport {
        try authorise(.verifyAudit, caller)
        return try await chain()
    }

    private func chain() async throws -> API.AuditChainExport {
        try await sealAudit()
        return API.AuditChainExport(entries: try await store.auditEntries(),
                                    checkpoints: try await store.auditCheckpoints().map(AuditChain.Checkpoint.init),
                                    publicKey: notary.publicKey, keys: notary.keys.publicKeys)
    }

    /// Whether the checkpoint's statement carries `publicKey`'s (base64) signature.
    public static func isSigned(_ checkpoint: AuditChain.Checkpoint, by publicKey: String) -> Bool {
        HubNotary.verify(signature: checkpoint.signature, of: Array(checkpoint.statement.utf8), publicKey: publicKey)
    }
}

extension API {
    public struct AuditVerification: Codable, Sendable {
        public var verified: Bool
        public var sealed: Int
        /// The newest entries, not chained yet (sealed within a second).
        public var unsealed: Int
        public var checkpoints: Int
        public var problems: [AuditChain.Problem]
        public var publicKey: String
    }

    public struct AuditChainExport: Codable, Sendable {
        public var entries: [AuditChain.Entry]
        public var checkpoints: [AuditChain.Checkpoint]
        /// The hub's current Ed25519 public key (base64), as `GET /v1/hub-key` gives it.
        public var publicKey: String
        /// Every signing key the hub has had (`GET /v1/hub-keys`): checkpoints from before a
        /// rotation carry a retired key's signature.
        public var keys: [HubPublicKey]
    }
}
