import CordonStore
import Hummingbird

/// The submission answer: a bulk submission answers 10,000 items, and the generic
/// encoder took a twentieth of its time.
extension API.SubmissionResult: HandWrittenJSONResponse {
    /// The answer as JSON text.
    func json() -> [UInt8] {
        var json = JSONText()
        json.raw("{\"results\":[")
        for (i, item) in results.enumerated() {
            if i > 0 { json.raw(",") }
            json.raw("{\"id\":")
            json.int(item.id)
            json.raw(",\"outcome\":")
            json.string(item.outcome.rawValue)
            if let signal = item.signal {
                json.raw(",\"signal\":")
                json.signal(signal)
            }
            json.raw("}")
        }
        json.raw("]}")
        return json.bytes
    }
}
