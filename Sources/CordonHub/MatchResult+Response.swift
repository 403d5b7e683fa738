import CordonDomain
import CordonStore
import Foundation
import Hummingbird

extension API.MatchResult {
    /// The match answer, written directly rather than through `JSONEncoder`: it is the
    /// hub's hottest response, and the generic encoder took a seventh of a match
    /// request's time under load. Same document, keys in the same (sorted) order.
    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: json())))
    }

    /// The answer as JSON text.
    func json() -> [UInt8] {
        var json = JSONText()
        json.raw("{\"results\":[")
        for (q, result) in results.enumerated() {
            if q > 0 { json.raw(",") }
            json.raw("{\"matches\":[")
            for (m, match) in result.matches.enumerated() {
                if m > 0 { json.raw(",") }
                json.raw("{\"distance\":")
                json.int(match.distance)
                json.raw(",\"signal\":")
                json.signal(match.signal)
                json.raw("}")
            }
            json.raw("],\"type\":")
            json.string(result.type.rawValue)
            json.raw(",\"value\":")
            json.string(result.value)
            json.raw("}")
        }
        json.raw("]}")
        return json.bytes
    }
}
