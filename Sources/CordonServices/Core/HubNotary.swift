import CordonDomain
import CordonStore
import Crypto
import Foundation

/// The hub's own keys at work: the current Ed25519 key signs the times at which orders
/// were sent and received (and feedback, notices, audit checkpoints), so either side can
/// prove them later to anyone holding the hub's public keys; the current AES key seals
/// preserved evidence. Retired keys still verify and open what they made.
struct HubNotary: Sendable {
    let keys: HubKeyring
    let signingKey: Curve25519.Signing.PrivateKey
    let signingKeyID: String
    private let evidenceKeys: [String: SymmetricKey]
    private let currentEvidenceKeyID: String

    init(keys: HubKeyring) throws {
        try keys.validate()
        self.keys = keys
        let current = keys.signing.first { $0.retiredAt == nil }!
        signingKey = try HubKeyring.signingKey(current.privateKey, id: current.id)
        signingKeyID = current.id
        evidenceKeys = Dictionary(uniqueKeysWithValues: try keys.evidence.map { entry in
            (entry.id, SymmetricKey(data: try HubKeyring.evidenceBytes(entry.key, id: entry.id)))
        })
        currentEvidenceKeyID = keys.evidence.first { $0.retiredAt == nil }!.id
    }

    /// Refuses keys that lack one this database was used with (another replica's newer
    /// key, say), then records these keys' ids as used. Only hubs given their keys do this:
    /// the ephemeral keys of tests and one-off commands are never recorded.
    static func register(_ keys: HubKeyring, in store: HubStore) async throws {
        let ids = Set(keys.signing.map(\.id) + keys.evidence.map(\.id) + (keys.retention.map { ["retention-" + $0.id] } ?? []))
        let known = Set((try await store.setting(usedKeysSetting))?.split(separator: ",").map(String.init) ?? [])
        let missing = known.subtracting(ids)
        guard missing.isEmpty else { throw HubKeyError.missingFromFile(ids: missing.sorted()) }
        guard !ids.isSubset(of: known) else { return }
        try await store.updateSetting(usedKeysSetting) { value in
            let stored = Set(value?.split(separator: ",").map(String.init) ?? [])
            guard stored.subtracting(ids).isEmpty else { throw HubKeyError.missingFromFile(ids: stored.subtracting(ids).sorted()) }
            return stored.union(ids).sorted().joined(separator: ",")
        }
    }

    /// The ids (never the keys) of every hub key this database has been used with.
    static let usedKeysSetting = "hub-key-ids"

    var publicKey: String { signingKey.publicKey.rawRepresentation.base64EncodedString() }

    /// The public key (base64) of the hub key that signed `statement`: the one its key id
    /// names, or for statements from before key ids, whichever verifies it.
    func publicKey(verifying statement: SignedStatement) -> String? {
        let candidates = keys.publicKeys.filter { statement.keyID == nil || $0.id == statement.keyID }
        return candidates.first {
            Self.verify(signature: statement.signature, of: Array(statement.statement.utf8), publicKey: $0.publicKey)
        }?.publicKey
    }

    /// A signed statement: the canonical JSON of `statement`, the hub's signature over it
    /// and the id of the key that made it.
    func sign(_ statement: some Encodable) throws -> SignedStatement {
        let bytes = try CanonicalJSON(encoding: statement).bytes
        return SignedStatement(statement: String(decoding: bytes, as: UTF8.self),
                               signature: try signingKey.signature(for: bytes).base64EncodedString(), keyID: signingKeyID)
    }

    /// Whether `signature` (base64) is `publicKey`'s (base64, raw 32 bytes) over `bytes`.
    static func verify(signature: String, of bytes: [UInt8], publicKey: String) -> Bool {
        guard let keyData = Data(base64Encoded: publicKey), let signatureData = Data(base64Encoded: signature),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyData)
        else { return false }
        return key.isValidSignature(signatureData, for: bytes)
    }

    /// `evidence` sealed with the current evidence key: "CDE1", the key's 8-byte id, then
    /// AES-GCM's nonce, ciphertext and tag.
    func seal(_ evidence: Data) throws -> Data {
        guard let combined = try AES.GCM.seal(evidence, using: evidenceKeys[currentEvidenceKeyID]!).combined else {
            throw ServiceError.invalid("evidence", "the evidence could not be sealed")
        }
        return Self.sealMagic + Self.idBytes(currentEvidenceKeyID) + combined
    }

    /// Opens what any of the hub's evidence keys sealed, including files sealed before key
    /// ids (no header), which are tried with every key.
    func open(_ sealed: Data) throws -> Data {
        if sealed.count > 12, sealed.prefix(4) == Self.sealMagic {
            let id = sealed.dropFirst(4).prefix(8).map { String(format: "%02x", $0) }.joined()
            if let key = evidenceKeys[id], let opened = try? AES.GCM.open(AES.GCM.SealedBox(combined: sealed.dropFirst(12)), using: key) {
                return opened
            }
        }
        for key in evidenceKeys.values {
            if let opened = try? AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key) { return opened }
        }
        throw ServiceError.invalid("evidence", "no key of this hub opens this evidence file: was it sealed by a hub with other keys?")
    }

    private static let sealMagic = Data("CDE1".utf8)

    private static func idBytes(_ id: String) -> Data {
        Data(stride(from: 0, to: id.count, by: 2).map { offset in
            UInt8(id.dropFirst(offset).prefix(2), radix: 16)!
        })
    }
}

/// A statement (canonical JSON text) and a base64 Ed25519 signature over its UTF-8 bytes.
public struct SignedStatement: Codable, Sendable, Hashable {
    public var statement: String
    public var signature: String
    /// The id of the hub key that signed (`GET /v1/hub-keys`); absent on statements signed
    /// before keys had ids.
    public var keyID: String?
}

/// What the hub signs when an order reaches the platform's inbox.
struct OrderReceipt: Codable, Sendable {
    var type = "cordon.order-receipt"
    var caseID: UUID
    var issuer: UUID
    var platform: UUID
    /// SHA-256 (hex) of the order's canonical bytes, as the issuer signed them.
    var orderSHA256: String
    /// When the hub accepted the order from the issuer.
    var sentAt: String
    /// When the order was placed in the platform's inbox: the one hour runs from here.
    var receivedAt: String
}
