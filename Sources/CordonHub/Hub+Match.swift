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
            // An image only when the request says so (as the OpenAPI document does): curl's
            // `-d` labels JSON as a form, and that must still be read as JSON.
            if let type = request.headers[.contentType], type.hasPrefix("image/") || type.hasPrefix("application/octet-stream") {
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
            // A drill's hashes match only when the request names the drill (`?incident=`),
            // and then only they do: rehearsals never touch real matching.
            let memberships = access.memberships(of: caller.organisationID)
            var collections = Set(memberships.keys).subtracting(access.drillCollections)
            if let incident = try Self.uuidQuery(request, "incident") {
                let record = try await storeCall { try await store.incident(incident, for: caller) }
                guard memberships[record.collectionID] != nil else {
                    throw APIError.notFound("incident", "your organisation is not a member of incident \(incident)'s collection yet")
                }
                collections = [record.collectionID]
            }
            return API.MatchResult(results: normalised.map { type, value in
                API.MatchResult.QueryResult(
                    type: type, value: value,
                    matches: catalog.match(type: type, value: value, maxDistance: maxDistance, in: collections).map {
                        .init(signal: .init($0.signal), distance: $0.distance)
                    })
            })
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
}
