import CordonDomain
import CordonStore
import Foundation

/// Statements of reasons (DSA Art. 17) for the decisions a platform took through the
/// desk, in the DSA Transparency Database's schema, ready for `cordon dsa submit`.
extension HubServices {
    /// The platform's removals and disablings, newest first, a page at a time. Removal
    /// orders are left out unless `includeOrders`: whether Art. 17 covers them is a legal
    /// question each platform answers for itself.
    public func statementsOfReasons(before: Date?, limit: Int, includeOrders: Bool,
                                    by caller: Caller) async throws -> API.StatementPage {
        try authorise(.exportStatements, caller)
        let records = try await store.cases(.inbox, for: caller, kind: includeOrders ? nil : .referral, state: .removed,
                                            before: before, limit: limit)
        let organisations = try await store.organisations(Set(records.map(\.issuerID)).union([caller.organisationID]))
        let memberState = organisations[caller.organisationID]?.memberState
        let statements = records.compactMap { record -> StatementOfReasons? in
            let out = API.CaseOut(record)
            guard let action = out.removalAction else { return nil }
            let issuerKind = organisations[out.issuer].flatMap { OrganisationKind(rawValue: $0.kind) } ?? .referralUnit
            return StatementOfReasons(.init(
                caseID: out.id, kind: out.kind, issuerKind: issuerKind, action: action, receivedAt: out.receivedAt,
                decidedAt: out.removedAt ?? out.receivedAt, categories: out.categories,
                hasImageHash: out.hashes.contains { $0.type == .pdq }, memberState: memberState))
        }
        return API.StatementPage(statements: statements, next: records.count == limit ? records.last?.receivedAt : nil)
    }
}

extension API {
    public struct StatementPage: Codable, Sendable {
        public var statements: [StatementOfReasons]
        /// Pass as `before` for the next (older) page.
        public var next: Date?
    }
}
