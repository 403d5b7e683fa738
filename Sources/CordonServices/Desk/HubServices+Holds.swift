import CordonDomain
import CordonStore
import Foundation

/// De-confliction and do-not-refer holds, for authorities and referral units.
extension HubServices {
    /// Every case covering the URL, and the holds on it.
    public func deconflict(_ text: String, by caller: Caller) async throws -> API.Deconfliction {
        try authorise(.deconflict, caller)
        let url = try Self.rule { () throws(RuleError) in try ContentURL(text) }
        let holds = try await store.activeHolds(now: now()).filter {
            $0.url == url.normalised || $0.domain.map { url.isUnder(domain: $0) } == true
        }
        return API.Deconfliction(url: url.normalised, cases: try await store.casesCovering(url).map { API.CaseOut($0) },
                                 holds: holds.map { API.HoldOut($0) })
    }

    public func placeHold(_ command: API.HoldIn, by caller: Caller) async throws -> API.HoldOut {
        try authorise(.placeHold, caller)
        guard (command.url == nil) != (command.domain == nil) else {
            throw ServiceError.invalid("url", "a hold covers either one url or one domain: give exactly one")
        }
        let url = try command.url.map { text in try Self.rule { () throws(RuleError) in try ContentURL(text) } }
        let domain = try command.domain.map { text in try Self.rule { () throws(RuleError) in try ContentURL.normaliseDomain(text) } }
        let reason = try Validation.text(command.reason, field: "reason", "say what the hold is for (an investigation reference)")
        var until: Date?
        if let text = command.until {
            guard let date = RemovalOrderContent.parseDate(text), date > now() else {
                throw ServiceError.invalid("until", "until must be an ISO 8601 time in the future")
            }
            until = date
        }
        let record = try await storeCall {
            try await store.placeHold(url: url, domain: domain, reason: reason, until: until, by: caller, now: now())
        }
        return API.HoldOut(record)
    }

    public func holds(by caller: Caller) async throws -> [API.HoldOut] {
        try authorise(.listHolds, caller)
        return try await store.activeHolds(now: now()).map { API.HoldOut($0) }
    }

    public func liftHold(_ id: UUID, by caller: Caller) async throws {
        guard let hold = try await store.hold(id), hold.liftedAt == nil else {
            throw ServiceError.notFound("hold", "no hold \(id) in force")
        }
        try authorise(.liftHold, caller, relation(caller, toOrganisation: hold.authorityID), field: "hold")
        try await storeCall { try await store.liftHold(id, by: caller, now: now()) }
    }
}
