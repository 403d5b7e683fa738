import CordonDomain
import CordonStore
import Foundation

/// How much an organisation matched, day by day: the overview's "matches today".
extension HubServices {
    /// The caller's organisation's last `days` UTC days, oldest first, today last (days
    /// without a match request count zero). Counts reach the store within seconds; the
    /// ones not yet stored are added from memory.
    public func matchCounts(days: Int, by caller: Caller) async throws -> API.MatchCounts {
        try authorise(.match, caller)
        guard (1...366).contains(days) else {
            throw ServiceError.invalid("days", "days is 1 to 366; got \(days)")
        }
        let today = now()
        let names = (0..<days).reversed().map { MatchTally.day(today.addingTimeInterval(-86_400 * Double($0))) }
        let organisation = caller.organisationID
        let totals = try await matchCountTurn.run { [store, matchTally] () async throws -> [String: MatchTotal] in
            let stored = try await store.matchCounts(of: organisation, from: names[0])
            var totals = Dictionary(uniqueKeysWithValues: stored.map { ($0.day, MatchTotal(queries: $0.queries, matched: $0.matched)) })
            for (day, count) in matchTally.unstored(of: organisation) {
                totals[day, default: MatchTotal()].queries += count.queries
                totals[day, default: MatchTotal()].matched += count.matched
            }
            return totals
        }
        return API.MatchCounts(days: names.map { .init(day: $0, queries: totals[$0]?.queries ?? 0, matched: totals[$0]?.matched ?? 0) })
    }

    /// Adds the counts kept in memory to the store (``MatchCountKeeper`` calls this).
    public func storeMatchCounts() async throws {
        try await matchCountTurn.run { [store, matchTally] in
            let counts = matchTally.take()
            do {
                try await store.addMatchCounts(counts)
            } catch {
                matchTally.restore(counts)
                throw error
            }
            let signals = matchTally.takeSignals()
            do {
                try await store.addSignalMatches(signals)
            } catch {
                matchTally.restore(signals: signals)
                throw error
            }
        }
    }

    private struct MatchTotal: Sendable {
        var queries = 0
        var matched = 0
    }
}

extension API {
    /// An organisation's matching, a UTC day at a time.
    public struct MatchCounts: Codable, Sendable {
        public struct Day: Codable, Sendable, Hashable {
            /// `YYYY-MM-DD`, UTC.
            public var day: String
            /// Hashes checked.
            public var queries: Int
            /// Hashes that matched at least one signal.
            public var matched: Int
        }
        public var days: [Day]
    }
}
