import CordonDomain
import CordonStore
import Foundation

/// A collection's changes in cursor order: what mirrors follow.
extension HubServices {
    public func feed(of collection: UUID, since: Int, limit: Int, by caller: Caller) async throws -> API.FeedPage {
        try authoriseCollection(.readFeed, collection, caller)
        let changes = try await store.changes(after: since, in: collection, limit: limit)
        return API.FeedPage(changes: changes.map(API.FeedPage.Change.init), next: changes.last?.cursor ?? since)
    }

    /// A page of a mirror's first copy: the collection's signals as they are, in id order,
    /// and the feed cursor they reflect (the mirror follows the feed from it).
    public func feedSnapshot(of collection: UUID, after: Int, limit: Int, by caller: Caller) async throws -> API.SignalSnapshot {
        try authoriseCollection(.readFeed, collection, caller)
        let (asOf, signals) = try await store.signalSnapshot(of: collection, after: after, limit: limit)
        return API.SignalSnapshot(asOf: asOf, signals: signals.map(API.SignalOut.init), next: signals.last?.id ?? after,
                                  complete: signals.count < limit)
    }

    /// The feed live; it ends when the key is revoked, the organisation suspended or its
    /// membership ended.
    public func feedStream(of collection: UUID, by caller: Caller) throws -> LiveStream<API.FeedPage.Change> {
        try authoriseCollection(.readFeed, collection, caller)
        let follower = follower, store = store
        // Subscribed before the first read, so nothing committed in between is missed.
        return LiveStream(
            newest: { follower.cursor }, wakes: follower.subscribe(), reads: follower.reads, audience: "feed of \(collection)",
            pageSize: 1000, page: { try await store.changes(after: $0, in: collection, limit: 1000).map(API.FeedPage.Change.init) },
            cursor: \.cursor, kind: \.kind.rawValue,
            isAllowed: { [self] in isLive(caller) && allows(.readFeed, caller, relation(caller, toCollection: collection)) },
            lease: try streams.lease(for: caller))
    }
}
