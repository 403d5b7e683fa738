import CordonDomain
import CordonServices
import Foundation
import Hummingbird
import VideoFeatures

/// What an upload request says beside its body, from the query string.
extension Hub {
    /// A match request's settings from the query string, for uploads (whose body is the media).
    static func matchSettings(_ request: Request) throws -> API.MatchQuery {
        func percent(_ name: String) throws -> Double? {
            guard let text = stringQuery(request, name) else { return nil }
            guard let value = Double(text) else { throw ServiceError.invalid(name, "\(name) is a number from 0 to 100") }
            return value
        }
        return API.MatchQuery(
            hashes: [],
            maxDistance: try request.uri.queryParameters.get("maxDistance").map { _ in try intQuery(request, "maxDistance", default: 0, range: 0...Int.max) },
            rule: try enumQuery(request, "rule", VPDQMatchRule.self), queryMatchPercent: try percent("queryMatchPercent"),
            comparedMatchPercent: try percent("comparedMatchPercent"), acrossMedia: try boolQuery(request, "acrossMedia", default: false))
    }

    /// An upload's labels, item and confidence from the query string
    /// (`category` and `behaviour` repeat or take commas).
    static func uploadTemplate(_ request: Request) throws -> SignalSubmission {
        func list<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws -> [T] where T.RawValue == String {
            try request.uri.queryParameters.getAll(name).flatMap { $0.split(separator: ",") }.map { text in
                guard let value = T(rawValue: String(text)) else {
                    throw ServiceError.invalid(name, "\(name) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return value
            }
        }
        let labels = SignalLabels(categories: try list("category", ContentCategory.self), behaviours: try list("behaviour", Behaviour.self),
                                  entity: stringQuery(request, "entity"), incident: stringQuery(request, "incident"))
        var confidence = 1.0
        if let text = stringQuery(request, "confidence") {
            guard let value = Double(text) else { throw ServiceError.invalid("confidence", "confidence is a number from 0 to 1") }
            confidence = value
        }
        return SignalSubmission(type: .pdq, value: "", item: stringQuery(request, "item"), labels: labels, confidence: confidence)
    }
}
