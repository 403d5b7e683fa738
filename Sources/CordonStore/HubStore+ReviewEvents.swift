import CordonDomain
import FluentKit
import Foundation
import SQLKit

/// What a mirror tells its platform: each event on a review case, kept in commit order
/// for `GET /v1/verdicts?since=` and queued, in the same transaction, as a signed
/// delivery to each of the platform's webhooks (the durable outbox: retried across
/// restarts, then dead-lettered).
extension HubStore {
    /// One event for the platform, in commit order.
    public struct ReviewEvent: Sendable, Hashable, Codable {
        public var id: Int
        public var caseID: Int
        public var kind: ReviewEventKind
        public var at: Date
        /// What the platform is told: also the webhook's body.
        public var verdict: Verdict
    }

    /// The body of a verdict, pulled or pushed alike. Altitude's three fields
    /// (`client_context`, `decision`, `decision_time`) keep Altitude receivers working; the
    /// rest says which event, which case and what it matched. `event_id` is the
    /// idempotency key: a receiver drops an id it has seen.
    public struct Verdict: Sendable, Hashable, Codable {
        public struct Match: Sendable, Hashable, Codable {
            public var signalID: Int
            public var distance: Int
            public var type: String?
            public var value: String?
            public var collectionID: UUID?

            enum CodingKeys: String, CodingKey {
                case signalID = "signal_id", distance, type, value, collectionID = "collection_id"
            }
        }
        public var eventID: Int
        public var event: ReviewEventKind
        public var caseID: Int
        public var at: String
        public var contentID: String?
        public var accountID: String?
        public var clientContext: String?
        /// `BLOCK`, `APPROVE` or `ESCALATE` (Altitude's words), on decisions.
        public var decision: String?
        public var decisionTime: String?
        /// `remove`, `leave-up` or `escalate`, with its reason, on decisions.
        public var action: ReviewDecision?
        public var reason: String?
        public var automated: Bool?
        public var detail: [String: String]
        public var matches: [Match]

        enum CodingKeys: String, CodingKey {
            case eventID = "event_id", event, caseID = "case_id", at, contentID = "content_id", accountID = "account_id"
            case clientContext = "client_context", decision, decisionTime = "decision_time", action, reason, automated, detail, matches
        }
    }

    /// Events after `since`, oldest first.
    public func reviewEvents(since: Int, limit: Int) async throws -> [ReviewEvent] {
        struct Row: Decodable { var id: Int, case_id: Int, kind: String, body: String, at: Double }
        return try await hub.sql.raw("""
            SELECT id, case_id, kind, body, at FROM review_events WHERE id > \(bind: since) ORDER BY id LIMIT \(unsafeRaw: String(limit))
            """).all(decoding: Row.self).compactMap { row in
            guard let kind = ReviewEventKind(rawValue: row.kind) else { return nil }
            let at = Date(timeIntervalSince1970: row.at)
            // Events kept before version 13 hold only their detail.
            let verdict = Self.decode(row.body, as: Verdict.self) ?? Verdict(
                eventID: row.id, event: kind, caseID: row.case_id, at: Self.iso(at), detail: Self.decode(row.body, as: [String: String].self) ?? [:],
                matches: [])
            return ReviewEvent(id: row.id, caseID: row.case_id, kind: kind, at: at, verdict: verdict)
        }
    }

    /// Records an event on a case and queues it for every webhook that wants its kind.
    static func event(case id: Int, _ kind: ReviewEventKind, _ detail: [String: String], now: Date, on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        guard let item = try await reviewCase(id: id, on: sql) else { return }
        let upload = try await sql.raw("SELECT * FROM platform_uploads WHERE id = \(bind: item.uploadID)").first(decoding: UploadRow.self)?.upload
        let eventID = try await sql.raw("""
            INSERT INTO review_events (case_id, kind, body, at) VALUES (\(bind: id), \(bind: kind.rawValue), '{}', \(bind: now.timeIntervalSince1970))
            RETURNING id
            """).first(decoding: IDRow.self)!.id
        let decision = kind == .decision ? item.decision.flatMap(ReviewDecision.init(rawValue:)) : nil
        let verdict = Verdict(
            eventID: eventID, event: kind, caseID: id, at: iso(now), contentID: upload?.contentID, accountID: upload?.accountID,
            clientContext: upload?.clientContext, decision: decision?.altitudeDecision,
            decisionTime: decision == nil ? nil : item.decidedAt.map(iso), action: decision,
            reason: decision == nil ? nil : item.reason, automated: decision == nil ? nil : item.automated,
            detail: detail, matches: try await matchDetails(item.matches, on: sql))
        let body = json(verdict)
        try await sql.raw("UPDATE review_events SET body = \(bind: body) WHERE id = \(bind: eventID)").run()
        let hooks = try await WebhookRecord.query(on: db).filter(\.$revokedAt == nil).all()
        try await queue(body, kind: kind.rawValue, eventID: eventID, at: now, to: hooks, on: db)
    }

    /// A case's matches with what the copy has of each signal.
    private static func matchDetails(_ matches: [ReviewMatch], on sql: any SQLDatabase) async throws -> [Verdict.Match] {
        guard !matches.isEmpty else { return [] }
        struct Row: Decodable { var id: Int, type: String, value: String, collection_id: UUID }
        let list = matches.map { String($0.signalID) }.joined(separator: ",")
        let rows = try await sql.raw("SELECT id, type, value, collection_id FROM signals WHERE id IN (\(unsafeRaw: list))")
            .all(decoding: Row.self)
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) })
        return matches.map { match in
            let row = byID[match.signalID]
            return Verdict.Match(signalID: match.signalID, distance: match.distance, type: row?.type, value: row?.value,
                                 collectionID: row?.collection_id)
        }
    }
}
