import CordonDomain
import CordonStore
import Foundation
import MediaDecoding
import MediaHashing
import NIOPosix
import PDQ
import VideoFeatures

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
        let options = try MatchOptions(query, configuration)
        // Past the default radius the index can no longer split a hash into exact-match
        // pieces and compares every stored hash: a wide search is for a few hashes at once.
        if options.maxDistance > configuration.defaultMaxDistance, query.hashes.count > configuration.maxWideBatch {
            throw ServiceError.invalid("maxDistance", "a maxDistance over \(configuration.defaultMaxDistance) compares every stored hash: send at most \(configuration.maxWideBatch) hashes with it, or keep to \(configuration.defaultMaxDistance) for larger batches; got \(query.hashes.count) hashes")
        }
        var queries: [SignalSubmission] = []
        for (index, hash) in query.hashes.enumerated() {
            do {
                queries.append(try hash.submission.validated(maxFrames: configuration.media.maxFramesPerVideo))
            } catch {
                throw ServiceError.invalid(query.hashes.count == 1 ? error.field : "hashes[\(index)].\(error.field)", error.message)
            }
        }
        let collections = try await matchableCollections(incident: incident, caller)
        var result = API.MatchResult(results: queries.map { match($0, options, in: collections) })
        metrics.looked(up: result.results.count, matched: result.results.count { !$0.matches.isEmpty })
        let matched = result.results.flatMap { $0.matches.map(\.signal.labels) }
        if !matched.isEmpty {
            let suggested = try await suggestions(for: Array(Set(matched)), language: options.language, country: options.country, by: caller)
            result.campaigns = suggested.isEmpty ? nil : suggested
        }
        matchTally.count(caller.organisationID, at: now(), queries: result.results.count,
                         matched: result.results.count { !$0.matches.isEmpty })
        for answer in result.results where !answer.matches.isEmpty { matchTally.count(signals: answer.matches.map(\.signal.id)) }
        return result
    }

    /// The collections a caller's match searches: all it belongs to but drills, or one
    /// incident's (or drill's).
    private func matchableCollections(incident: UUID?, _ caller: Caller) async throws -> Set<UUID> {
        let memberships = access.memberships(of: caller.organisationID)
        guard let incident else { return Set(memberships.keys).subtracting(access.drillCollections) }
        let record = try await authorisedIncident(.readIncident, incident, caller)
        guard memberships[record.collectionID] != nil else {
            throw ServiceError.notFound("incident", "your organisation is not a member of incident \(incident)'s collection yet")
        }
        return [record.collectionID]
    }

    /// One validated query against the catalog.
    private func match(_ query: SignalSubmission, _ options: MatchOptions, in collections: Set<UUID>) -> API.MatchResult.QueryResult {
        var result = API.MatchResult.QueryResult(type: query.type, value: query.value, matches: [])
        switch query.type {
        case .vpdq:
            let features = (try? VPDQFeatureList(binary: query.payload ?? [], maxFrames: .max).features) ?? []
            result.lowQualityFrames = features.filter { $0.quality < options.rule.qualityThreshold }.count
            result.matches = videoMatches(features, options, in: collections)
        case .tmk:
            guard let payload = query.payload, let features = try? TMKFeatures(bytes: payload) else { break }
            result.matches = catalog.match(tmk: features, level1: options.tmkLevel1, level2: options.tmkLevel2, in: collections).map {
                .init(signal: .init($0.signal), level1: Double($0.score.0), level2: Double($0.score.1))
            }
        case .url:
            result.matches = catalog.match(url: query.value, mode: options.urlMatch, in: collections).map { .init(signal: .init($0), distance: 0) }
        case .pdq, .md5, .sha256, .urlMD5:
            result.matches = catalog.match(type: query.type, value: query.value, maxDistance: options.maxDistance, in: collections).map {
                .init(signal: .init($0.signal), distance: $0.score)
            }
            if options.acrossMedia, query.type == .pdq, let hash = PDQHash(hex: query.value) {
                let frames = catalog.videos.frames(near: hash, maxDistance: options.maxDistance)
                result.matches += catalog.signals(frames.compactMap { hit in Int(hit.key).map { ($0, hit) } }, in: collections).map {
                    .init(signal: .init($0.signal), distance: $0.score.distance, frame: .init($0.score.feature))
                }
            }
        }
        return result
    }

    /// Shared videos a query video matches under the options' rule, best first; across
    /// media, also images near any of its frames (each with the nearest frame).
    private func videoMatches(_ features: [VPDQFeature], _ options: MatchOptions, in collections: Set<UUID>) -> [API.MatchResult.Match] {
        let found = catalog.videos.matches(for: features, rule: options.rule, minimumQueryPercent: options.queryMatchPercent,
                                           minimumComparedPercent: options.comparedMatchPercent)
        var matches: [API.MatchResult.Match] = catalog.signals(found.compactMap { key, match in Int(key).map { ($0, match) } }, in: collections)
            .sorted { ($0.score.queryPercent, $0.score.comparedPercent, -$0.signal.id) > ($1.score.queryPercent, $1.score.comparedPercent, -$1.signal.id) }
            .map { .init(signal: .init($0.signal), queryMatchPercent: $0.score.queryPercent, comparedMatchPercent: $0.score.comparedPercent) }
        guard options.acrossMedia else { return matches }
        var images: [Int: (signal: StoredSignal, distance: Int, frame: VPDQFeature)] = [:]
        for frame in options.rule.filtered(features) {
            for hit in catalog.match(type: .pdq, value: frame.hash.hex, maxDistance: options.rule.maxDistance, in: collections)
            where images[hit.signal.id].map({ hit.score < $0.distance }) ?? true {
                images[hit.signal.id] = (hit.signal, hit.score, frame)
            }
        }
        matches += images.values.sorted { ($0.distance, $0.signal.id) < ($1.distance, $1.signal.id) }.map {
            .init(signal: .init($0.signal), distance: $0.distance, frame: .init($0.frame))
        }
        return matches
    }

    /// Matches an uploaded image by its PDQ, MD5 and SHA-256.
    public func match(upload bytes: [UInt8], maxDistance: Int?, incident: UUID? = nil, by caller: Caller) async throws -> API.MatchResult {
        let record = try await hash(upload: bytes, by: caller)
        var hashes = [API.MatchQuery.Hash(type: .pdq, value: record.pdq.hash.hex)]
        if let md5 = record.md5 { hashes.append(.init(type: .md5, value: md5)) }
        if let sha256 = record.sha256 { hashes.append(.init(type: .sha256, value: sha256)) }
        return try await match(API.MatchQuery(hashes: hashes, maxDistance: maxDistance), incident: incident, by: caller)
    }

    /// An uploaded image's PDQ, MD5 and SHA-256, computed here off the threads that serve
    /// requests, a few at a time per organisation, within the hub's image limits; the
    /// image is not kept.
    public func hash(upload bytes: [UInt8], by caller: Caller) async throws -> MediaHashRecord {
        try authorise(.match, caller)
        let limits = configuration.media.imageLimits
        return try await uploads.run(for: caller.organisationID) {
            try await NIOThreadPool.singleton.runIfActive {
                do throws(ImageDecodingError) {
                    return try MediaHasher(options: HashOptions(digests: true, limits: limits)).hash(bytes: bytes, path: "upload")
                } catch {
                    throw Self.imageRefusal(error.code, error.message)
                }
            }
        }
    }

    /// An image the hub will not hash: 413 when it is over the limits, else 422.
    static func imageRefusal(_ code: ImageDecodingError.Code?, _ reason: String) -> ServiceError {
        code == .tooLarge
            ? ServiceError(.tooLarge, field: "body", message: "the image is over the hub's limits: \(reason)")
            : ServiceError(.undecodable, field: "body", message: "the upload is not a usable image: \(reason)")
    }
}

/// A match request's settings, checked against the hub's bounds.
struct MatchOptions {
    var maxDistance: Int
    var rule: VPDQMatchRule
    var queryMatchPercent: Double?
    var comparedMatchPercent: Double?
    var acrossMedia: Bool
    var urlMatch: URLMatchMode
    var tmkLevel1: Float
    var tmkLevel2: Float
    var language: String?
    var country: String?

    init(_ query: API.MatchQuery, _ configuration: HubConfiguration) throws {
        maxDistance = query.maxDistance ?? configuration.defaultMaxDistance
        guard (0...configuration.maxDistanceCap).contains(maxDistance) else {
            throw ServiceError.invalid("maxDistance", "maxDistance is 0 to \(configuration.maxDistanceCap); got \(maxDistance)")
        }
        rule = query.rule ?? .threatExchange
        for (field, percent) in [("queryMatchPercent", query.queryMatchPercent), ("comparedMatchPercent", query.comparedMatchPercent)] {
            if let percent, !(0...100).contains(percent) {
                throw ServiceError.invalid(field, "\(field) is 0 to 100; got \(percent)")
            }
        }
        queryMatchPercent = query.queryMatchPercent
        comparedMatchPercent = query.comparedMatchPercent
        acrossMedia = query.acrossMedia ?? false
        urlMatch = query.urlMatch ?? .exact
        for (field, score) in [("tmkLevel1", query.tmkLevel1), ("tmkLevel2", query.tmkLevel2)] {
            if let score, !(-1...1).contains(score) {
                throw ServiceError.invalid(field, "\(field) is a score from -1 to 1; got \(score)")
            }
        }
        if let language = query.language, language.wholeMatch(of: /[a-zA-Z]{2}/) == nil {
            throw ServiceError.invalid("language", "language is an ISO 639-1 code such as de; got '\(language)'")
        }
        if let country = query.country, country.wholeMatch(of: /[a-zA-Z]{2}/) == nil {
            throw ServiceError.invalid("country", "country is an ISO 3166 code such as DE; got '\(country)'")
        }
        language = query.language?.lowercased()
        country = query.country?.uppercased()
        tmkLevel1 = Float(query.tmkLevel1 ?? 0.7)
        tmkLevel2 = Float(query.tmkLevel2 ?? 0.7)
    }
}
