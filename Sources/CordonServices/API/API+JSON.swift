import CordonDomain
import CordonStore
import Foundation

/// The match answer, written by hand (``JSONText``): the generic encoder took a seventh of
/// a match request's time under load. It must equal the encoder's document.
extension API.MatchResult {
    /// The answer as JSON text.
    public func json() -> [UInt8] {
        var json = JSONText()
        json.raw("{")
        if let campaigns {
            json.raw("\"campaigns\":[")
            for (index, campaign) in campaigns.enumerated() {
                json.raw(index == 0 ? "{\"callToAction\":" : ",{\"callToAction\":")
                json.string(campaign.callToAction)
                if let helpline = campaign.helpline {
                    json.raw(",\"helpline\":")
                    json.string(helpline)
                }
                json.raw(",\"id\":")
                json.string(campaign.id.uuidString)
                if let landingPage = campaign.landingPage {
                    json.raw(",\"landingPage\":")
                    json.string(landingPage)
                }
                json.raw(",\"languages\":[")
                for (l, language) in campaign.languages.enumerated() {
                    if l > 0 { json.raw(",") }
                    json.string(language)
                }
                json.raw("],\"message\":")
                json.string(campaign.message)
                json.raw(",\"name\":")
                json.string(campaign.name)
                json.raw(",\"partner\":")
                json.string(campaign.partner)
                json.raw("}")
            }
            json.raw("],")
        }
        json.raw("\"results\":[")
        for (q, result) in results.enumerated() {
            if q > 0 { json.raw(",") }
            json.raw("{")
            if let low = result.lowQualityFrames {
                json.raw("\"lowQualityFrames\":")
                json.int(low)
                json.raw(",")
            }
            json.raw("\"matches\":[")
            for (m, match) in result.matches.enumerated() {
                if m > 0 { json.raw(",") }
                json.raw("{")
                if let percent = match.comparedMatchPercent {
                    json.raw("\"comparedMatchPercent\":")
                    json.double(percent)
                    json.raw(",")
                }
                if let distance = match.distance {
                    json.raw("\"distance\":")
                    json.int(distance)
                    json.raw(",")
                }
                if let frame = match.frame {
                    json.raw("\"frame\":{\"frameNumber\":")
                    json.int(frame.frameNumber)
                    json.raw(",\"timestamp\":")
                    json.double(frame.timestamp)
                    json.raw("},")
                }
                if let level1 = match.level1, let level2 = match.level2 {
                    json.raw("\"level1\":")
                    json.double(level1)
                    json.raw(",\"level2\":")
                    json.double(level2)
                    json.raw(",")
                }
                if let percent = match.queryMatchPercent {
                    json.raw("\"queryMatchPercent\":")
                    json.double(percent)
                    json.raw(",")
                }
                if let reviewOnly = match.reviewOnly {
                    json.raw(reviewOnly ? "\"reviewOnly\":true," : "\"reviewOnly\":false,")
                }
                json.raw("\"signal\":")
                json.signal(match.signal)
                json.raw("}")
            }
            json.raw("]")
            if let quality = result.quality {
                json.raw(",\"quality\":")
                json.int(quality)
            }
            json.raw(",\"type\":")
            json.string(result.type.rawValue)
            json.raw(",\"value\":")
            json.string(result.value)
            json.raw("}")
        }
        json.raw("]}")
        return json.bytes
    }
}

/// The submission answer, written by hand: a bulk submission answers 10,000 items, and the
/// generic encoder took a twentieth of its time.
extension API.SubmissionResult {
    /// The answer as JSON text.
    public func json() -> [UInt8] {
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

/// A feed page, written by hand: a mirror's first copy reads a million changes in pages of
/// 10,000, and the generic encoder was a quarter of the hub's side of it.
extension API.FeedPage {
    /// The page as JSON text.
    public func json() -> [UInt8] {
        var json = JSONText(capacity: 600 * changes.count + 32)
        json.raw("{\"changes\":[")
        for (index, change) in changes.enumerated() {
            json.raw(index == 0 ? "{" : ",{")
            if let at = change.at {
                json.raw("\"at\":")
                json.string(HubStore.iso(at))
                json.raw(",")
            }
            json.raw("\"cursor\":")
            json.int(change.cursor)
            json.raw(",\"kind\":")
            json.string(change.kind.rawValue)
            json.raw(",\"signal\":")
            json.signal(change.signal)
            json.raw("}")
        }
        json.raw("],\"next\":")
        json.int(next)
        json.raw("}")
        return json.bytes
    }
}

extension API.SignalSnapshot {
    /// The page as JSON text, by hand like the feed's.
    public func json() -> [UInt8] {
        var json = JSONText(capacity: 560 * signals.count + 64)
        json.raw("{\"asOf\":")
        json.int(asOf)
        json.raw(",\"complete\":")
        json.raw(complete ? "true" : "false")
        json.raw(",\"next\":")
        json.int(next)
        json.raw(",\"signals\":[")
        for (index, signal) in signals.enumerated() {
            if index > 0 { json.raw(",") }
            json.signal(signal)
        }
        json.raw("]}")
        return json.bytes
    }
}
