import CordonDomain
import CordonStore
import CoreMetrics
import Foundation
import Synchronization

/// What the hub counts, through swift-metrics with the factory the surface chose (the
/// HTTP surface's is Prometheus's; without one nothing is kept). Instruments are made per
/// hub, not through the process-wide `MetricsSystem`, so two hubs in one process (replicas
/// in a test, a mirror beside its hub) never share figures.
public struct HubMetrics: Sendable {
    let factory: any MetricsFactory
    /// Hashes looked up, and those that found at least one signal.
    let queries: Counter
    let matched: Counter
    /// Deadline alerts the desk sent (each once across replicas).
    let alerts: Counter
    /// Each (route, method, status)'s counter and timer, made once: the match route's
    /// requests take tens of microseconds, and a registry lookup per request is not free.
    private let requests: Requests

    private final class Requests: Sendable {
        struct Key: Hashable {
            var route: String, method: String, status: Int
        }
        let instruments = Mutex<[Key: (Counter, CoreMetrics.Timer)]>([:])
    }

    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
        queries = Counter(label: "cordon_match_queries_total", factory: factory)
        matched = Counter(label: "cordon_match_hits_total", factory: factory)
        alerts = Counter(label: "cordon_desk_alerts_total", factory: factory)
        requests = Requests()
    }

    /// One answered request: counted by route, method and status, and timed by route.
    public func request(route: String, method: String, status: Int, duration: Duration) {
        let key = Requests.Key(route: route, method: method, status: status)
        let (counter, timer) = requests.instruments.withLock { made in
            if let known = made[key] { return known }
            let new = (Counter(label: "cordon_http_requests_total",
                               dimensions: [("route", route), ("method", method), ("status", String(status))], factory: factory),
                       CoreMetrics.Timer(label: "cordon_http_request_duration_seconds", dimensions: [("route", route)], factory: factory))
            made[key] = new
            return new
        }
        counter.increment()
        timer.recordNanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }

    /// Hashes looked up in one request, and how many of them found a signal.
    func looked(up queries: Int, matched hits: Int) {
        self.queries.increment(by: queries)
        matched.increment(by: hits)
    }

    /// Deadline alerts one tick of the desk sent.
    func sent(alerts count: Int) {
        alerts.increment(by: count)
    }

    /// A figure read when metrics are scraped.
    func gauge(_ label: String, _ value: Int, _ dimensions: [(String, String)] = []) {
        Gauge(label: label, dimensions: dimensions, factory: factory).record(value)
    }
}

extension HubServices {
    /// Reads the figures that are states, not events, into the metrics: index sizes per
    /// type, how far this replica's feed follower trails the store, webhook deliveries
    /// waiting, live streams open and index changes not yet folded in. Call it just before
    /// the metrics are read out.
    public func observeGauges() async throws {
        var sizes: [SignalType: Int] = [:]
        for (_, types) in catalog.counts { for (type, count) in types { sizes[type, default: 0] += count } }
        for type in SignalType.allCases { metrics.gauge("cordon_index_signals", sizes[type] ?? 0, [("type", type.rawValue)]) }
        metrics.gauge("cordon_index_pending_changes", catalog.pendingChanges)
        metrics.gauge("cordon_feed_lag", max(0, try await store.latestChange() - follower.cursor))
        metrics.gauge("cordon_webhook_outbox_depth", try await store.pendingDeliveries())
        metrics.gauge("cordon_live_streams", streams.total)
    }
}
