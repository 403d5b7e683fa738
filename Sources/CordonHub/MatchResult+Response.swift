import CordonDomain
import CordonStore
import Foundation
import Hummingbird

/// The match answer: the generic encoder took a seventh of a match request's time under load.
extension API.MatchResult: HandWrittenJSONResponse {
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
