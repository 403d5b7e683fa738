import CordonDomain
import CordonStore
import Foundation

/// Authorities' Ed25519 keys, which orders are signed with, and the hub's own.
extension HubServices {
    public func registerSigningKey(_ command: API.SigningKeyIn, by caller: Caller) async throws -> API.SigningKeyOut {
        try authorise(.registerSigningKey, caller)
        _ = try Self.rule { () throws(RuleError) in try SigningPublicKey(base64: command.publicKey, field: "publicKey") }
        return API.SigningKeyOut(try await storeCall { try await store.addSigningKey(publicKey: command.publicKey, by: caller, now: now()) })
    }

    public func signingKeys(of organisation: UUID?, by caller: Caller) async throws -> [API.SigningKeyOut] {
        try authorise(.listSigningKeys, caller)
        return try await store.signingKeys(of: organisation).map { API.SigningKeyOut($0) }
    }

    public func revokeSigningKey(_ id: UUID, by caller: Caller) async throws {
        guard let key = try await store.signingKey(id) else { throw ServiceError.notFound("signing key", "no signing key \(id)") }
        try authorise(.revokeSigningKey, caller, relation(caller, toOrganisation: key.organisationID), field: "signing key",
                      notFound: "no signing key \(id) of your organisation")
        try await storeCall { try await store.revokeSigningKey(id, by: caller, now: now()) }
    }

    public func hubKey(by caller: Caller) throws -> API.HubKey {
        try authorise(.readHubKey, caller)
        return API.HubKey(id: notary.signingKeyID, publicKey: notary.publicKey)
    }

    /// The current key and every retired one, for verifying statements signed before a rotation.
    public func hubKeys(by caller: Caller) throws -> API.HubKeys {
        try authorise(.readHubKey, caller)
        return API.HubKeys(keys: notary.keys.publicKeys)
    }
}
