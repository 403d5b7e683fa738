import CordonDomain
import CordonStore
import Foundation

/// The feed as the exchange formats of other tools need it (python-threatexchange, HMA):
/// each change with the signal's feedback and the names of the organisations involved.
extension HubServices {
    /// Changes of `collection` after `since` (or from `since` on, when `inclusive`), with
    /// each signal's feedback. Asks the same permission as the feed.
    public func exchangeFeed(of collection: UUID, since: Int, inclusive: Bool = false, limit: Int,
                             by caller: Caller) async throws -> API.ExchangePage {
        try authoriseCollection(.readFeed, collection, caller)
        let changes = try await store.changes(after: inclusive ? max(since - 1, 0) : since, in: collection, limit: limit)
        let feedback = try await store.feedback(onSignals: Set(changes.map(\.signal.id)))
        var organisations = Set(changes.flatMap(\.signal.contributors))
        organisations.formUnion(feedback.values.joined().map(\.organisationID))
        let names = try await store.organisations(organisations).mapValues(\.name)
        return API.ExchangePage(
            changes: changes.map {
                API.ExchangePage.Change(change: API.FeedPage.Change($0), feedback: feedback[$0.signal.id] ?? [])
            },
            organisationNames: names)
    }

    /// The caller's collections that it may read the feed of, with their names: what
    /// HMA's clients see as banks.
    public func readableCollections(_ caller: Caller) async throws -> [API.CollectionOut] {
        try await collections(caller).filter { allows(.readFeed, caller, relation(caller, toCollection: $0.id)) }
    }
}

extension API {
    /// A page of ``HubServices/exchangeFeed(of:since:inclusive:limit:by:)``.
    public struct ExchangePage: Sendable {
        public struct Change: Sendable {
            public var change: FeedPage.Change
            /// Every feedback the signal has had, oldest first.
            public var feedback: [SignalFeedback]
        }
        public var changes: [Change]
        public var organisationNames: [UUID: String]
    }
}
