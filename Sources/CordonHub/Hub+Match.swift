import CordonDomain
import CordonStore
import Foundation
import Hummingbird

extension Hub {
    func addMatchRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.post("match") { request, context -> API.MatchResult in
            let caller = try context.requireCaller()
            guard caller.role.canRead else { throw APIError.forbidden("matching needs a consumer, contributor or admin key") }
            let query = try await request.decodeJSON(API.MatchQuery.self, context: context)
            guard (1...1000).contains(query.hashes.count) else {
                throw APIError.invalid("hashes", "send 1 to 1,000 hashes per request; got \(query.hashes.count)")
            }
            let maxDistance = query.maxDistance ?? configuration.defaultMaxDistance
            guard (0...configuration.maxDistanceCap).contains(maxDistance) else {
                throw APIError.invalid("maxDistance", "maxDistance is 0 to \(configuration.maxDistanceCap); got \(maxDistance)")
            }
            var normalised: [(SignalType, String)] = []
            for (index, hash) in query.hashes.enumerated() {
                do {
                    normalised.append((hash.type, try hash.type.normalise(hash.value)))
                } catch let error as SignalValueError {
                    throw APIError.invalid(query.hashes.count == 1 ? "value" : "hashes[\(index)].value", error.message)
                }
            }
            let collections = Set(try await store.memberships(of: caller.organisationID).keys)
            let found = normalised.map { type, value in
                matcher.match(type: type, value: value, maxDistance: maxDistance, in: collections)
            }
            let signals = try await store.signals(ids: Array(Set(found.flatMap { $0.map(\.id) })))
            let results = zip(normalised, found).map { query, matches in
                API.MatchResult.QueryResult(
                    type: query.0, value: query.1,
                    matches: matches.compactMap { match in
                        // Retracted in the meantime: never reported.
                        guard let signal = signals[match.id], signal.status != .retracted else { return nil }
                        return .init(signal: .init(signal), distance: match.distance)
                    })
            }
            return API.MatchResult(results: results)
        }
    }

    func addFeedRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.get("feed") { request, context -> API.FeedPage in
            let caller = try context.requireCaller()
            guard caller.role.canRead else { throw APIError.forbidden("the feed needs a consumer, contributor or admin key") }
            guard let text = request.uri.queryParameters.get("collection") else {
                throw APIError.invalid("collection", "name the collection: ?collection=UUID")
            }
            guard let collectionID = UUID(uuidString: String(text)) else {
                throw APIError.invalid("collection", "collection must be a UUID")
            }
            try await requireAccess(caller, to: collectionID, write: false)
            let since = try Self.intQuery(request, "since", default: 0, range: 0...Int.max)
            let limit = try Self.intQuery(request, "limit", default: 1000, range: 1...10_000)
            let changes = try await store.changes(in: collectionID, after: since, limit: limit)
            return API.FeedPage(
                changes: changes.map { change, signal in
                    .init(cursor: change.id!, kind: ChangeKind(rawValue: change.kind) ?? .updated, at: change.at,
                          signal: .init(signal))
                },
                next: changes.last?.0.id ?? since)
        }
    }
}
