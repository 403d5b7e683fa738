import CordonDomain
import CordonStore
import Foundation
import MediaDecoding
import MediaHashing
import PDQ

/// Matching hashes, or an uploaded image hashed here and never stored, against the
/// caller's collections, from memory.
extension HubServices {
    /// `incident` limits matching to a drill's or incident's collection (a drill's hashes
    /// match only then: rehearsals never touch real matching).
    public func match(_ query: API.MatchQuery, incident: UUID? = nil, by caller: Caller) async throws -> API.MatchResult {
        try authorise(.match, caller)
        guard (1...1000).contains(query.hashes.count) else {
            throw ServiceError.invalid("hashes", "send 1 to 1,000 hashes per request; got \(query.hashes.count)")
        }
        let maxDistance = query.maxDistance ?? configuration.defaultMaxDistance
        guard (0...configuration.maxDistanceCap).contains(maxDistance) else {
            throw ServiceError.invalid("maxDistance", "maxDistance is 0 to \(configuration.maxDistanceCap); got \(maxDistance)")
        }
        var normalised: [(SignalType, String)] = []
        for (index, hash) in query.hashes.enumerated() {
            do {
                normalised.append((hash.type, try hash.type.normalise(hash.value)))
            } catch {
                throw ServiceError.invalid(query.hashes.count == 1 ? "value" : "hashes[\(index)].value", error.message)
            }
        }
        let memberships = access.memberships(of: caller.organisationID)
        var collections = Set(memberships.keys).subtracting(access.drillCollections)
        if let incident {
            let record = try await authorisedIncident(.readIncident, incident, caller)
            guard memberships[record.collectionID] != nil else {
                throw ServiceError.notFound("incident", "your organisation is not a member of incident \(incident)'s collection yet")
            }
            collections = [record.collectionID]
        }
        return API.MatchResult(results: normalised.map { type, value in
            API.MatchResult.QueryResult(
                type: type, value: value,
                matches: catalog.match(type: type, value: value, maxDistance: maxDistance, in: collections).map {
                    .init(signal: .init($0.signal), distance: $0.score)
                })
        })
    }

    /// Matches an uploaded image by its PDQ, MD5 and SHA-256.
    public func match(upload bytes: [UInt8], maxDistance: Int?, incident: UUID? = nil, by caller: Caller) async throws -> API.MatchResult {
        let record = try hash(upload: bytes, by: caller)
        var hashes = [API.MatchQuery.Hash(type: .pdq, value: record.pdq.hash.hex)]
        if let md5 = record.md5 { hashes.append(.init(type: .md5, value: md5)) }
        if let sha256 = record.sha256 { hashes.append(.init(type: .sha256, value: sha256)) }
        return try await match(API.MatchQuery(hashes: hashes, maxDistance: maxDistance), incident: incident, by: caller)
    }

    /// An uploaded image's PDQ, MD5 and SHA-256, computed here; the image is not kept.
    public func hash(upload bytes: [UInt8], by caller: Caller) throws -> MediaHashRecord {
        try authorise(.match, caller)
        do {
            return try MediaHasher(options: HashOptions(digests: true)).hash(bytes: bytes, path: "upload")
        } catch {
            throw ServiceError(.undecodable, field: "body", message: "the upload is not a usable image: \(error.message)")
        }
    }
}
