import CordonDomain
import CordonStore
import Foundation

extension HubServices {
    /// The audit log: the whole hub's for the operator and oversight organisations, the
    /// organisation's own entries for its admin and auditor keys.
    public func auditLog(since: Int, limit: Int, by caller: Caller) async throws -> API.AuditPage {
        let everything = allows(.readAudit, caller, .unrelated)
        if !everything { try authorise(.readAudit, caller, .own) }
        let entries = try await store.auditLog(after: since, limit: limit, of: everything ? nil : caller.organisationID).map {
            API.AuditPage.Entry(id: $0.id!, at: $0.at, organisationID: $0.organisationID, keyID: $0.keyID,
                                action: $0.action, target: $0.target,
                                detail: HubStore.decode($0.detail, as: [String: String].self) ?? [:])
        }
        return API.AuditPage(entries: entries, next: entries.last?.id ?? since)
    }
}
