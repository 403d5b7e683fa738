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
            let since: Int
            if let lastEventID = request.headers[.lastEventID] {
                guard let cursor = Int(lastEventID), cursor >= 0 else {
                    throw APIError.invalid("Last-Event-ID", "Last-Event-ID must be a cursor from an earlier event")
                }
                since = cursor
            } else {
                since = try Self.intQuery(request, "since", default: follower.cursor, range: 0...Int.max)
            }
            // Subscribed before the first read, so nothing committed in between is missed.
            let wakes = follower.subscribe()
            let encoder = context.responseEncoder
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    try await streamChanges(of: collectionID, since: since, wakes: wakes, encoder: encoder, to: &writer)
                    try await writer.finish(nil)
                })
        }
    }

    /// Writes every change after `since` as a server-sent event (`id:` is the cursor,
    /// `event:` the kind), then each new one as it commits.
    private func streamChanges(
        of collectionID: UUID, since: Int, wakes: AsyncStream<Int>, encoder: JSONEncoder,
        to writer: inout any ResponseBodyWriter
    ) async throws {
        var cursor = since
        try await EventStream.run(wakes: wakes, to: &writer) { writer in
            var page: [SignalChange]
            repeat {
                page = try await store.changes(after: cursor, in: collectionID, limit: 1000)
                var text = ""
                for change in page {
                    text += EventStream.event(id: change.cursor, kind: change.kind.rawValue,
                                              data: Array(try encoder.encode(API.FeedPage.Change(change))))
                    cursor = change.cursor
                }
                if !text.isEmpty { try await writer.write(ByteBuffer(string: text)) }
            } while page.count == 1000
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
