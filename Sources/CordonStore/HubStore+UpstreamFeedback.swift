import CordonDomain
import FluentKit
import Foundation
import SQLKit

/// A mirror's feedback for the hub (opt-in per collection): queued with the decision it
/// comes from, kept while the hub is unreachable, sent once.
extension HubStore {
    /// One piece of feedback on its way to the hub.
    public struct UpstreamFeedback: Sendable, Hashable, Codable {
        public var id: Int
        public var signalID: Int
        public var kind: FeedbackKind
        public var caseID: Int
        /// `pending`, `sent`, or `refused` (the hub said no; not tried again).
        public var state: String
        public var attempts: Int
        public var lastError: String?
        /// How far the case's upload was from the signal (for the hub's ledger by threshold).
        public var distance: Int?
    }

    /// Queues `kind` for each of the case's signals in the `collections` fed back.
    static func queueFeedback(_ kind: FeedbackKind, on item: ReviewCase, collections: Set<UUID>, now: Date,
                              on sql: any SQLDatabase) async throws {
        guard !item.matches.isEmpty else { return }
        struct Row: Decodable { var id: Int, collection_id: UUID }
        let list = item.matches.map { String($0.signalID) }.joined(separator: ",")
        let signals = try await sql.raw("SELECT id, collection_id FROM signals WHERE id IN (\(unsafeRaw: list))").all(decoding: Row.self)
        for signal in signals where collections.contains(signal.collection_id) {
            try await sql.raw("""
                INSERT INTO upstream_feedback (signal_id, kind, case_id, queued_at, state)
                VALUES (\(bind: signal.id), \(bind: kind.rawValue), \(bind: item.id), \(bind: now.timeIntervalSince1970), 'pending')
                """).run()
        }
    }

    /// Feedback in `state` (all when nil), oldest first.
    public func upstreamFeedback(state: String?, limit: Int) async throws -> [UpstreamFeedback] {
        struct Row: Decodable {
            var id: Int, signal_id: Int, kind: String, case_id: Int, state: String, attempts: Int, last_error: String?, distance: Int?
        }
        let only: SQLQueryString = state.map { "WHERE f.state = \(bind: $0)" } ?? ""
        return try await hub.sql.raw("""
            SELECT f.id, f.signal_id, f.kind, f.case_id, f.state, f.attempts, f.last_error,
                   (SELECT MIN(m.distance) FROM review_matches m WHERE m.case_id = f.case_id AND m.signal_id = f.signal_id) AS distance
            FROM upstream_feedback f \(only)
            ORDER BY f.id LIMIT \(unsafeRaw: String(limit))
            """).all(decoding: Row.self).compactMap { row in
            FeedbackKind(rawValue: row.kind).map {
                UpstreamFeedback(id: row.id, signalID: row.signal_id, kind: $0, caseID: row.case_id, state: row.state,
                                 attempts: row.attempts, lastError: row.last_error, distance: row.distance)
            }
        }
    }

    /// How many pieces of feedback are in each state.
    public func upstreamFeedbackCounts() async throws -> [String: Int] {
        struct Row: Decodable { var state: String, n: Int }
        let rows = try await hub.sql.raw("SELECT state, COUNT(*) AS n FROM upstream_feedback GROUP BY state").all(decoding: Row.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.state, $0.n) })
    }

    /// Records one attempt: sent, refused for good (`refused`), or failed for now.
    public func recordFeedbackAttempt(_ id: Int, sent: Bool, refused: Bool, error: String?, now: Date) async throws {
        let state = sent ? "sent" : refused ? "refused" : "pending"
        try await hub.write([]) { db in
            try await (db as! any SQLDatabase).raw("""
                UPDATE upstream_feedback SET state = \(bind: state), attempts = attempts + 1, last_error = \(bind: error),
                sent_at = \(bind: sent ? now.timeIntervalSince1970 : nil) WHERE id = \(bind: id)
                """).run()
        }
    }
}
