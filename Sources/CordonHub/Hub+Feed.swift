import CordonDomain
import CordonStore
import Foundation
import Hummingbird
import HTTPTypes

extension Hub {
    func addFeedRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.get("feed") { request, context -> API.FeedPage in
            let collectionID = try feedCollection(request, context)
            let since = try Self.intQuery(request, "since", default: 0, range: 0...Int.max)
            let limit = try Self.intQuery(request, "limit", default: 1000, range: 1...10_000)
            let changes = try await store.changes(after: since, in: collectionID, limit: limit)
            return API.FeedPage(changes: changes.map(API.FeedPage.Change.init), next: changes.last?.cursor ?? since)
        }
        v1.get("feed/stream") { request, context -> Response in
            let collectionID = try feedCollection(request, context)
            let since = try await EventStream.resumePoint(request) { follower.cursor }
            // Subscribed before the first read, so nothing committed in between is missed.
            let wakes = follower.subscribe()
            let encoder = context.responseEncoder
            return EventStream.response(after: since, wakes: wakes, pageSize: 1000) { cursor in
                try await store.changes(after: cursor, in: collectionID, limit: 1000)
            } event: { change in
                (change.cursor, change.kind.rawValue, Array(try encoder.encode(API.FeedPage.Change(change))))
            }
        }
    }

    /// The `collection` query parameter of a feed request, which the caller must be able to read.
    private func feedCollection(_ request: Request, _ context: HubRequestContext) throws -> UUID {
        let caller = try context.requireCaller()
        guard caller.role.canRead else { throw APIError.forbidden("the feed needs a consumer, contributor or admin key") }
        guard let text = request.uri.queryParameters.get("collection") else {
            throw APIError.invalid("collection", "name the collection: ?collection=UUID")
        }
        guard let collectionID = UUID(uuidString: String(text)) else {
            throw APIError.invalid("collection", "collection must be a UUID")
        }
        try requireAccess(caller, to: collectionID, write: false)
        return collectionID
    }
}
