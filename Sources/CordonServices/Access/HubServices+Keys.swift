import CordonDomain
import CordonStore
import Foundation

/// API keys: the operator's for any organisation, an admin's for its own.
extension HubServices {
    public func createKey(for organisation: UUID, _ command: API.NewKey, by caller: Caller) async throws -> API.KeyOut {
        try authorise(.createKey, caller, relation(caller, toOrganisation: organisation), field: "organisation")
        let label = try Validation.note(command.label, field: "label", limit: 200)
        let (record, secret) = try await storeCall {
            try await store.createKey(organisationID: organisation, role: command.role, label: label, by: caller)
        }
        try await accessChanged()
        return API.KeyOut(id: record.id!, organisationID: organisation, role: command.role, label: record.label, secret: secret)
    }

    public func keys(of organisation: UUID, by caller: Caller) async throws -> [API.KeyOut] {
        try authorise(.listKeys, caller, relation(caller, toOrganisation: organisation), field: "organisation")
        return try await store.keys(of: organisation).map {
            API.KeyOut(id: $0.id!, organisationID: $0.organisationID, role: Role(rawValue: $0.role) ?? .consumer, label: $0.label,
                       secret: nil, createdAt: $0.createdAt, revokedAt: $0.revokedAt)
        }
    }

    public func revokeKey(_ id: UUID, by caller: Caller) async throws {
        guard let key = try await store.key(id) else { throw ServiceError.notFound("key", "no key \(id)") }
        try authorise(.revokeKey, caller, relation(caller, toOrganisation: key.organisationID), field: "key", notFound: "no key \(id)")
        try await storeCall { try await store.revokeKey(id, by: caller) }
        try await accessChanged()
    }
}
