import CordonStore
import Foundation
import Synchronization

/// Match counts per organisation and UTC day, and per matched signal (the error ledger's
/// "matches"), counted in memory on the match path (one lock, no database) and added to
/// the store by ``MatchCountKeeper`` every few seconds.
final class MatchTally: Sendable {
    private struct Key: Hashable {
        var organisation: UUID
        var day: String
    }

    private let pending = Mutex<[Key: (queries: Int, matched: Int)]>([:])
    private let signals = Mutex<[Int: Int]>([:])

    func count(_ organisation: UUID, at date: Date, queries: Int, matched: Int) {
        add(Key(organisation: organisation, day: Self.day(date)), queries: queries, matched: matched)
    }

    /// Counts one match on each of `ids`.
    func count(signals ids: some Sequence<Int>) {
        signals.withLock { signals in
            for id in ids { signals[id, default: 0] += 1 }
        }
    }

    /// Matches per signal not yet stored, emptied; give them back with ``restore(signals:)``.
    func takeSignals() -> [Int: Int] {
        signals.withLock { signals in
            defer { signals.removeAll() }
            return signals
        }
    }

    func restore(signals counts: [Int: Int]) {
        signals.withLock { signals in signals.merge(counts, uniquingKeysWith: +) }
    }

    /// Every count not yet stored, emptied; give them back with ``restore(_:)`` if
    /// storing them fails.
    func take() -> [HubStore.MatchDay] {
        pending.withLock { pending in
            defer { pending.removeAll() }
            return pending.map { .init(organisationID: $0.key.organisation, day: $0.key.day, queries: $0.value.queries, matched: $0.value.matched) }
        }
    }

    func restore(_ counts: [HubStore.MatchDay]) {
        for count in counts {
            add(Key(organisation: count.organisationID, day: count.day), queries: count.queries, matched: count.matched)
        }
    }

    private func add(_ key: Key, queries: Int, matched: Int) {
        pending.withLock { pending in
            let old = pending[key] ?? (0, 0)
            pending[key] = (old.queries + queries, old.matched + matched)
        }
    }

    /// What `organisation` counted since the last store, by day.
    func unstored(of organisation: UUID) -> [String: (queries: Int, matched: Int)] {
        pending.withLock { pending in
            var days: [String: (queries: Int, matched: Int)] = [:]
            for (key, value) in pending where key.organisation == organisation { days[key.day] = value }
            return days
        }
    }

    /// `date`'s UTC day as `YYYY-MM-DD`.
    static func day(_ date: Date) -> String {
        let parts = utc.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
