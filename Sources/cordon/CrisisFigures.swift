import Foundation
import Synchronization

/// The crisis benchmark's figures: how long the activation and each contributed hash took
/// to reach every live stream and webhook receiver, and a second replica's match index.
struct CrisisFigures {
    var json: [String: Any] = [:]

    init(receivers: CrisisReceivers, sent: SentTimes, platforms: Int, replica: Bool) {
        let arrivals = receivers.arrivals.withLock { $0 }
        let sent = sent.times.withLock { $0 }
        let streams = (0..<platforms).map { "stream-\($0)" }, hooks = (0..<platforms).map { "webhook-\($0)" }
        let hashes = sent.keys.filter { $0 != "activated" }
        func latencies(_ listeners: [String], _ what: [String]) -> (samples: [Double], missing: Int) {
            var samples: [Double] = [], missing = 0
            for listener in listeners {
                for item in what {
                    if let arrived = arrivals[listener]?[item], let start = sent[item] {
                        samples.append(arrived.timeIntervalSince(start) * 1000)
                    } else {
                        missing += 1
                    }
                }
            }
            return (samples, missing)
        }
        let alerted = latencies(streams + hooks, ["activated"])
        let sse = latencies(streams, hashes), webhooks = latencies(hooks, hashes)
        let all = sse.samples + webhooks.samples
        json["sse_subscribers"] = platforms
        json["webhook_receivers"] = platforms
        json["contributions"] = hashes.count
        json["alerted"] = alerted.samples.count
        json["activation_to_all_alerted_ms"] = alerted.missing == 0 ? (alerted.samples.max() ?? 0) : -1
        json["delivery_p50_ms"] = all.percentile(0.5)
        json["delivery_p99_ms"] = all.percentile(0.99)
        json["delivery_max_ms"] = all.max() ?? 0
        json["sse_p99_ms"] = sse.samples.percentile(0.99)
        json["webhook_p99_ms"] = webhooks.samples.percentile(0.99)
        json["deliveries_missing"] = sse.missing + webhooks.missing
        if replica {
            let mirrored = latencies(["replica"], hashes)
            json["replica_match_p50_ms"] = mirrored.samples.percentile(0.5)
            json["replica_match_p99_ms"] = mirrored.samples.percentile(0.99)
            json["replica_match_max_ms"] = mirrored.samples.max() ?? 0
            json["replica_missing"] = mirrored.missing
        }
    }
}
