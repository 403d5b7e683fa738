import CordonDomain
import CordonStore
import Foundation

/// Browsing a collection as a person does: filters and pages, newest first.
extension HubServices {
    public struct SignalPage: Sendable {
        public var signals: [API.SignalOut]
        /// The `before` of the next page, if there is one.
        public var next: Int?
    }

    public func browse(_ collection: UUID, _ filter: HubStore.SignalFilter, limit: Int, by caller: Caller) async throws -> SignalPage {
        try authoriseCollection(.readFeed, collection, caller)
        guard (1...500).contains(limit) else { throw ServiceError.invalid("limit", "limit must be 1 to 500") }
        let rows = try await store.signals(in: collection, filter, limit: limit + 1)
        return SignalPage(signals: rows.prefix(limit).map(API.SignalOut.init),
                          next: rows.count > limit ? rows[limit - 1].id : nil)
    }

    /// How many of each kind of feedback the signal has had.
    public func feedbackCounts(on id: Int, by caller: Caller) async throws -> [FeedbackKind: Int] {
        let signal = try await authorisedSignal(.readSignal, id, caller)
        var counts: [FeedbackKind: Int] = [:]
        for feedback in try await store.feedback(onSignals: [signal.id])[signal.id] ?? [] { counts[feedback.kind, default: 0] += 1 }
        return counts
    }

    /// The signal's history from the change log: created, updated (a source or feedback
    /// added, disputed), retracted.
    public func history(of id: Int, by caller: Caller) async throws -> [(kind: String, at: Date?)] {
        let signal = try await authorisedSignal(.readSignal, id, caller)
        return try await store.history(ofSignal: signal.id)
    }

    /// Signals of each type in each collection the caller can read.
    /// (From the catalog in memory: counting a million rows took a second a page.)
    public func signalCounts(by caller: Caller) -> [UUID: [SignalType: Int]] {
        let readable = Set(access.memberships(of: caller.organisationID).keys)
        return catalog.counts.filter { readable.contains($0.key) }
    }
}
