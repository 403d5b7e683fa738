import CordonDomain
import CordonInterop
import CordonServices
import Foundation
import Hummingbird
import MediaHashing
import PDQ

/// HMA 2.x's matching and hashing routes (`/m/…`, `/h/hash`) over the match service.
extension Hub {
    func addHMAMatchingRoutes(to group: RouterGroup<HubRequestContext>) {
        group.get("m/raw_lookup") { request, context in
            let caller = try context.requireCaller(.match, services)
            let (result, banks) = try await hmaLookup(request, caller)
            let only = Self.bankFilter(request)
            let matches = HMAShapes.lookup(result.results, banks: banks, only: only).values.joined().sorted { $0.bank_content_id < $1.bank_content_id }
            if try Self.boolQuery(request, "include_distance", default: false) {
                return Self.json(["matches": matches])
            }
            return Self.json(["matches": matches.map(\.bank_content_id)])
        }
        group.get("m/lookup") { request, context in
            let caller = try context.requireCaller(.match, services)
            guard request.uri.queryParameters.get("url") == nil else {
                throw HMAError(status: 403, message: "Hashing is disabled, missing role")
            }
            let (result, banks) = try await hmaLookup(request, caller)
            return Self.json(HMAShapes.lookup(result.results, banks: banks, only: Self.bankFilter(request)))
        }
        group.post("m/lookup") { request, context in
            let caller = try context.requireCaller(.match, services)
            let upload = try await Self.hmaUpload(request, context)
            let result = try await services.match(upload: upload, maxDistance: nil, by: caller)
            let banks = HMAShapes.banks(try await services.readableCollections(caller))
            return Self.json(HMAShapes.lookupByType(
                result.results.filter { $0.type == .pdq }, banks: banks, only: Self.bankFilter(request)))
        }
        group.post("m/compare") { request, context in
            _ = try context.requireCaller(.match, services)
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            guard let body = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] else {
                throw HMAError.badRequest("Request body must be a JSON object of signal type to a list of two hashes")
            }
            var answer: [String: [HMACompared]] = [:]
            for (name, value) in body {
                let type = try HMAShapes.signalType(named: name)
                guard let pair = value as? [String], pair.count == 2 else {
                    throw HMAError.badRequest("Comparing requires exactly two signals for '\(name)'")
                }
                let a: String, b: String
                do {
                    a = try type.normalise(pair[0])
                    b = try type.normalise(pair[1])
                } catch {
                    throw HMAError.badRequest("invalid signal: \((error as? SignalValueError)?.message ?? "\(error)")")
                }
                let distance = type == .pdq ? PDQHash(hex: a)!.distance(to: PDQHash(hex: b)!) : (a == b ? 0 : 1)
                let matched = type == .pdq ? distance <= services.configuration.defaultMaxDistance : distance == 0
                answer[name] = [.matched(matched), .distance(distance)]
            }
            return Self.json(answer)
        }
        group.get("m/index/status") { request, context in
            _ = try context.requireCaller(.match, services)
            let now = Int(Date().timeIntervalSince1970)
            let size = services.matchableCount
            let wanted = Self.stringQuery(request, "signal_type")
            var status: [String: HMAIndexStatus] = [:]
            for name in ["pdq", "video_md5"] where wanted == nil || wanted == name {
                status[name] = HMAIndexStatus(present: size > 0, built_to: size > 0 ? now : -1, size: size)
            }
            return Self.json(status)
        }
        group.post("h/hash") { request, context in
            let caller = try context.requireCaller(.match, services)
            let upload = try await Self.hmaUpload(request, context)
            return Self.json(["pdq": try await services.hash(upload: upload, by: caller).pdq.hash.hex])
        }
        group.get("h/hash") { _, _ -> Response in
            throw HMAError(status: 403, message: "Hashing is disabled, missing role")
        }
    }

    /// A hash lookup's query: `signal_type` and `signal`.
    private func hmaLookup(_ request: Request, _ caller: Caller) async throws -> (API.MatchResult, [UUID: String]) {
        guard let signal = Self.stringQuery(request, "signal"), let typeName = Self.stringQuery(request, "signal_type") else {
            throw HMAError.badRequest("Either url or both signal and signal_type are required")
        }
        let type = try HMAShapes.signalType(named: typeName)
        let value: String
        do {
            value = try type.normalise(signal)
        } catch {
            throw HMAError.badRequest("invalid signal: \(error.message)")
        }
        let result = try await services.match(API.MatchQuery(hashes: [.init(type: type, value: value)], maxDistance: nil), by: caller)
        return (result, HMAShapes.banks(try await services.readableCollections(caller)))
    }

    private static func bankFilter(_ request: Request) -> Set<String>? {
        stringQuery(request, "banks").map { Set($0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }) }
    }

    /// The one file of an HMA upload (field `photo`), or a raw image body.
    static func hmaUpload(_ request: Request, _ context: HubRequestContext) async throws -> [UInt8] {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw HMAError(status: 413, message: "the upload is over \(context.maxUploadSize / 1_048_576) MiB")
        }
        let bytes = Array(buffer.readableBytesView)
        guard let form = MultipartForm(contentType: request.headers[.contentType], body: bytes) else { return bytes }
        if form.parts.contains(where: { $0.name == "video" }) {
            throw HMAError.badRequest("content type 'video' is not enabled: Cordon hashes photos on upload")
        }
        guard form.parts.count == 1, let photo = form.parts.first, photo.name == "photo" else {
            throw HMAError.badRequest("upload exactly one file, in the field 'photo'")
        }
        return photo.body
    }
}

/// One element of `/m/compare`'s pair: whether it matched, then the distance.
enum HMACompared: Encodable {
    case matched(Bool)
    case distance(Int)

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .matched(let flag): try container.encode(flag)
        case .distance(let distance): try container.encode(["distance": distance])
        }
    }
}

struct HMAIndexStatus: Encodable {
    var present: Bool
    var built_to: Int
    var size: Int
}
