import FluentKit
import Foundation
import SQLKit

/// How much each organisation matched, a day at a time.
extension HubStore {
    /// One organisation's matching on one UTC day (`day` as `YYYY-MM-DD`): hashes checked,
    /// and how many of them matched at least one signal.
    public struct MatchDay: Sendable, Hashable, Codable {
        public var organisationID: UUID
        public var day: String
        public var queries: Int
        public var matched: Int

        public init(organisationID: UUID, day: String, queries: Int, matched: Int) {
            self.organisationID = organisationID
            self.day = day
            self.queries = queries
            self.matched = matched
        }
    }

    /// Adds `counts` to the stored days, in one transaction.
    public func addMatchCounts(_ counts: [MatchDay]) async throws {
        guard !counts.isEmpty else { return }
        try await hub.write([]) { db in
            let sql = db as! any SQLDatabase
            // In one order on every replica, so two adding to the same rows never deadlock.
            for count in counts.sorted(by: { ($0.organisationID.uuidString, $0.day) < ($1.organisationID.uuidString, $1.day) }) {
                try await sql.raw("""
                    INSERT INTO match_days (organisation_id, day, queries, matched)
                    VALUES (\(bind: count.organisationID.uuidString), \(bind: count.day), \(bind: count.queries), \(bind: count.matched))
                    ON CONFLICT (organisation_id, day) DO UPDATE
                    SET queries = match_days.queries + excluded.queries, matched = match_days.matched + excluded.matched
                    """).run()
            }
        }
    }

    /// An organisation's stored days from `first` (inclusive), oldest first.
    public func matchCounts(of organisation: UUID, from first: String) async throws -> [MatchDay] {
        struct Row: Decodable { var day: String, queries: Int, matched: Int }
        return try await hub.sql.raw("""
            SELECT day, queries, matched FROM match_days
            WHERE organisation_id = \(bind: organisation.uuidString) AND day >= \(bind: first) ORDER BY day
            """).all(decoding: Row.self).map { MatchDay(organisationID: organisation, day: $0.day, queries: $0.queries, matched: $0.matched) }
    }
}
