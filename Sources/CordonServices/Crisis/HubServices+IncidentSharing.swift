import CordonDomain
import CordonStore
import Foundation

/// What members share during an active incident: hashes (matchable at once), URLs (URL
/// signals of the incident's collection, and referrals in one step), match counts and notes.
extension HubServices {
    public func contributeHashes(_ submission: API.Submission, to id: UUID, by caller: Caller) async throws -> API.SubmissionResult {
        _ = try await authorisedIncident(.contributeToIncident, id, caller)
        let valid = try validated(submission)
        let receipt = try await storeCall { try await store.contributeHashes(valid, to: id, by: caller, now: now()) }
        try await signalsChanged(receipt.changes)
        try await scheduleIncidentReview(receipt.results.filter { $0.outcome == .created }.map(\.signal.id))
        incidentsChanged()
        return API.SubmissionResult(results: receipt.results.map { .init(outcome: $0.outcome, id: $0.signal.id, signal: .init($0.signal)) })
    }

    public func shareURL(_ command: API.SharedURLIn, in id: UUID, by caller: Caller) async throws -> API.SharedURLOut {
        _ = try await authorisedIncident(.contributeToIncident, id, caller)
        let url = try Self.rule { () throws(RuleError) in try RemovalOrderContent.validateURLs([command.url], field: "url")[0] }
        if let views = command.views, views < 0 { throw ServiceError.invalid("views", "views is a count: 0 or more") }
        let note = try Validation.note(command.note, field: "note")
        let firstSeen = try command.firstSeenAt.map { try Validation.date($0, field: "firstSeenAt") }
        let (record, receipt) = try await storeCall {
            try await store.shareURL(url.normalised, platform: command.platform, firstSeenAt: firstSeen, views: command.views,
                                     note: note, in: id, by: caller, now: now())
        }
        try await signalsChanged(receipt.changes)
        incidentsChanged()
        return API.SharedURLOut(record, state: "shared")
    }

    public func sharedURLs(of id: UUID, by caller: Caller) async throws -> [API.SharedURLOut] {
        _ = try await authorisedIncident(.readIncident, id, caller)
        return try await store.sharedURLs(of: id).map { API.SharedURLOut($0.0, state: $0.1) }
    }

    /// Refers a shared URL to its platform, and links the referral to the incident.
    public func referSharedURL(_ urlID: Int, in id: UUID, _ command: API.URLReferralIn, by caller: Caller) async throws -> API.CaseOut {
        let sentAt = now()
        _ = try await authorisedIncident(.referIncidentURL, id, caller)
        let (incident, shared) = try await storeCall { try await store.sharedURL(urlID, in: id, for: caller) }
        guard !incident.drill else {
            throw ServiceError.conflict("incident", "this is a drill: its URLs do not become real referrals")
        }
        guard let platform = command.platform ?? shared.platformID else {
            throw ServiceError.invalid("platform", "name the hosting platform: the URL was shared without one")
        }
        let statement = try Validation.text(command.statement, field: "statement")
        let url = try Self.rule { () throws(RuleError) in try RemovalOrderContent.validateURLs([shared.url], field: "url")[0] }
        let new = NewCase(kind: .referral, platformID: platform, reference: command.reference ?? "incident \(id.uuidString.prefix(8))",
                          urls: [url], hashes: [], categories: command.categories ?? [], statement: statement, override: false)
        let record = try await openReferral(new, sentAt: sentAt, by: caller)
        try await storeCall { try await store.linkSharedURL(urlID, in: incident, to: record.id!, by: caller, now: now()) }
        incidentsChanged()
        return API.CaseOut(record)
    }

    public func reportMatches(_ command: API.MatchReportIn, in id: UUID, by caller: Caller) async throws {
        _ = try await authorisedIncident(.reportIncidentMatches, id, caller)
        guard (0...100_000_000).contains(command.matches) else {
            throw ServiceError.invalid("matches", "matches is a count from 0 to 100,000,000")
        }
        let hour = try command.hour.map { try Validation.date($0, field: "hour") } ?? now()
        guard hour <= now().addingTimeInterval(300) else { throw ServiceError.invalid("hour", "hour cannot be in the future") }
        try await storeCall { try await store.reportMatches(command.matches, hour: hour, in: id, by: caller, now: now()) }
        incidentsChanged()
    }

    public func addNote(_ command: API.NoteIn, to id: UUID, by caller: Caller) async throws {
        _ = try await authorisedIncident(.addIncidentNote, id, caller)
        let note = try Validation.text(command.note, field: "note")
        try await storeCall { try await store.addNote(note, in: id, by: caller, now: now()) }
        incidentsChanged()
    }
}
