import CordonDomain
import CordonStore
import Foundation
import Hummingbird
import MediaDecoding
import MediaHashing
import PDQ

extension Hub {
    func addMatchRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.post("match") { request, context -> API.MatchResult in
            let caller = try context.requireCaller()
            guard caller.role.canRead else { throw APIError.forbidden("matching needs a consumer, contributor or admin key") }
            let query: API.MatchQuery
            if let type = request.headers[.contentType], !type.hasPrefix("application/json") {
                query = try await hashUpload(request, context: context)
            } else {
                query = try await request.decodeJSON(API.MatchQuery.self, context: context)
            }
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

    /// An uploaded image, hashed here (PDQ, MD5, SHA-256) and never stored.
    func hashUpload(_ request: Request, context: HubRequestContext) async throws -> API.MatchQuery {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw APIError(.contentTooLarge, code: "too-large", field: "body",
                           message: "the image is over \(context.maxUploadSize / 1_048_576) MiB")
        }
        let record: MediaHashRecord
        do {
            record = try MediaHasher(options: HashOptions(digests: true)).hash(bytes: Array(buffer.readableBytesView), path: "upload")
        } catch {
            throw APIError(.unprocessableContent, code: "undecodable", field: "body", message: "the upload is not a usable image: \(error.message)")
        }
        var hashes = [API.MatchQuery.Hash(type: .pdq, value: record.pdq.hash.hex)]
        if let md5 = record.md5 { hashes.append(.init(type: .md5, value: md5)) }
        if let sha256 = record.sha256 { hashes.append(.init(type: .sha256, value: sha256)) }
        let maxDistance = try Self.intQuery(request, "maxDistance", default: configuration.defaultMaxDistance, range: 0...configuration.maxDistanceCap)
        return API.MatchQuery(hashes: hashes, maxDistance: maxDistance)
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
