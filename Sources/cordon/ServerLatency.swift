import Foundation
import NIOHTTP1

/// The hubs' own view of their latency: `cordon_http_request_duration_seconds` from
/// `/metrics`, summed over the replicas, so a benchmark can tell the hub's time from
/// the time its requests waited in the driver (both share the machine's cores).
struct ServerLatency: Sendable {
    /// Requests at or under each bucket's bound (seconds), by route.
    var buckets: [String: [(bound: Double, count: Double)]] = [:]

    static func scrape(_ hubs: [String]) async -> ServerLatency {
        var total = ServerLatency()
        for hub in hubs {
            guard let text = try? await HubAPI(base: hub, key: "").text(.GET, "/metrics") else { continue }
            for line in text.split(separator: "\n") where line.hasPrefix("cordon_http_request_duration_seconds_bucket{") {
                guard let route = line.firstMatch(of: /route="([^"]*)"/)?.output.1,
                      let bound = line.firstMatch(of: /le="([^"]*)"/)?.output.1,
                      let count = line.split(separator: " ").last.flatMap({ Double($0) })
                else { continue }
                let limit = bound == "+Inf" ? Double.infinity : Double(bound) ?? .infinity
                var list = total.buckets[String(route), default: []]
                if let index = list.firstIndex(where: { $0.bound == limit }) { list[index].count += count } else { list.append((limit, count)) }
                total.buckets[String(route)] = list.sorted { $0.bound < $1.bound }
            }
        }
        return total
    }

    /// For each route with at least `minimum` requests since `earlier`: how many, and the
    /// bucket bound (ms) under which 99 % of them finished (-1 when over the last bound, 10 s).
    func p99(since earlier: ServerLatency, minimum: Double = 100) -> [String: [String: Double]] {
        var out: [String: [String: Double]] = [:]
        for (route, list) in buckets {
            let before = earlier.buckets[route] ?? []
            let counts = list.map { bucket in bucket.count - (before.first { $0.bound == bucket.bound }?.count ?? 0) }
            guard let all = counts.last, all >= minimum else { continue }
            let index = counts.firstIndex { $0 >= all * 0.99 } ?? counts.count - 1
            out[route] = ["requests": all, "p99_ms_at_most": list[index].bound.isFinite ? list[index].bound * 1000 : -1]
        }
        return out
    }
}
