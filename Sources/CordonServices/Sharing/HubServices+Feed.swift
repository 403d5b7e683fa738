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

    /// The feed live; it ends when the key is revoked, the organisation suspended or its
    /// membership ended.
    public func feedStream(of collection: UUID, by caller: Caller) throws -> LiveStream<API.FeedPage.Change> {
        try authoriseCollection(.readFeed, collection, caller)
        let follower = follower, store = store
        // Subscribed before the first read, so nothing committed in between is missed.
        return LiveStream(
            newest: { follower.cursor }, wakes: follower.subscribe(), pageSize: 1000,
            page: { try await store.changes(after: $0, in: collection, limit: 1000).map(API.FeedPage.Change.init) },
            cursor: \.cursor, kind: \.kind.rawValue,
            isAllowed: { [self] in isLive(caller) && allows(.readFeed, caller, relation(caller, toCollection: collection)) })
    }
}
