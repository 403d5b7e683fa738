import CordonDomain
import CordonServices
import Foundation
import Hummingbird

extension Hub {
    func addFeedRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.get("feed") { request, context in
            let caller = try context.requireCaller()
            return try await services.feed(
                of: try Self.feedCollection(request),
                since: try Self.intQuery(request, "since", default: 0, range: 0...Int.max),
                limit: try Self.intQuery(request, "limit", default: 1000, range: 1...10_000), by: caller)
        }
        v1.get("feed/snapshot") { request, context in
            let caller = try context.requireCaller()
            return try await services.feedSnapshot(
                of: try Self.feedCollection(request),
                after: try Self.intQuery(request, "after", default: 0, range: 0...Int.max),
                limit: try Self.intQuery(request, "limit", default: 1000, range: 1...10_000), by: caller)
        }
        v1.get("feed/stream") { request, context in
            let caller = try context.requireCaller()
            let stream = try services.feedStream(of: try Self.feedCollection(request), by: caller)
            return try await EventStream.response(stream, request: request, encoder: context.responseEncoder)
        }
    }

    /// The `collection` query parameter of a feed request.
    private static func feedCollection(_ request: Request) throws -> UUID {
        guard request.uri.queryParameters.get("collection") != nil else {
            throw ServiceError.invalid("collection", "name the collection: ?collection=UUID")
        }
        return try uuidQuery(request, "collection")!
    }
}
