import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import PDQ
import ServiceLifecycle
import Synchronization

/// `cordon bench load`: a mixed workload against running hubs for a fixed time, at a
/// multiple of a large network's expected rate; `bench/load` starts the hubs and reads
/// the figures (the last line is one JSON object).
///
/// A large network, per second: 100 uploads matched, a fifth of a batch of 25 hashes
/// shared (430,000 hashes a day: GIFCT's whole list held about 2.3 million in 2023), 3 feed
/// reads, a fifth of a referral (17,000 a day; Europol's unit referred 96,000 in its first
/// four years) which the platform confirms removed, and a webhook call per new case. Beside them, `--streams` live streams stay open the whole run: half
/// follow the platform's case events, half the collection's feed.
struct LoadBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Drive a mixed workload against running hubs (used by bench/load).")

    @Option(name: .customLong("hub"), help: "A hub's address; repeat it for replicas (requests go to each in turn).")
    var hubs: [String]

    @Option(help: "The hub operator's key: the run makes its organisations, keys and collection with it.")
    var operatorKey: String

    @Option(help: "Seconds to run, the warm-up included.")
    var seconds = 600

    @Option(help: "Seconds of warm-up: latencies count from its end (errors always count).")
    var warmup = 60

    @Option(help: "The multiple of a large network's expected rate.")
    var scale = 10.0

    @Option(help: "Live streams held open the whole run.")
    var streams = 200

    @Option(help: "Hashes stored before the run (matches look for near copies of them); GIFCT's list held 2.1 million in 2022.")
    var preload = 100_000

    @Option(name: .customLong("server-pid"), help: "A hub's process id, to read its resident memory; repeat it for replicas.")
    var serverPIDs: [Int32] = []

    func validate() throws {
        guard !hubs.isEmpty else { throw ValidationError("name at least one --hub") }
        guard seconds > warmup, warmup >= 0 else { throw ValidationError("--seconds must be longer than --warmup") }
        guard scale > 0 else { throw ValidationError("--scale must be above 0") }
        guard (0...2000).contains(streams) else { throw ValidationError("--streams is 0 to 2000") }
        guard (1...10_000_000).contains(preload) else { throw ValidationError("--preload is 1 to 10,000,000") }
    }

    func run() async throws {
        let setup = try await LoadSetup.make(hubs: hubs, operatorKey: operatorKey, preload: preload, streamKeys: (streams + 24) / 25)
        let recorder = LoadRecorder()
        let receiver = LoadReceiver(recorder: recorder)
        let started = ContinuousClock.now
        let measureFrom = started + .seconds(warmup), end = started + .seconds(seconds)
        var serverTimes = (ServerLatency(), ServerLatency())
        async let series = Self.residentMegabytes(serverPIDs, every: .seconds(30), from: started, until: end)
        let rss = try await receiver.run { port -> [String: Double] in
            try await setup.registerWebhook(port: port)
            var rss: [String: Double] = [:]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<streams {
                    group.addTask { await setup.follow(stream: index, until: end, recorder: recorder) }
                }
                let workload = LoadWorkload(setup: setup, recorder: recorder, receiverPort: port)
                for (kind, rate) in workload.rates(scale: scale) {
                    group.addTask { await workload.drive(kind, perSecond: rate, until: end) }
                }
                try await Task.sleep(until: measureFrom)
                recorder.measuring.store(true, ordering: .relaxed)
                rss["after_warmup"] = Self.residentMegabytes(serverPIDs)
                serverTimes.0 = await ServerLatency.scrape(hubs)
                try await group.waitForAll()
            }
            rss["end"] = Self.residentMegabytes(serverPIDs)
            serverTimes.1 = await ServerLatency.scrape(hubs)
            // Streams and webhooks a moment to catch up with the last writes.
            try await Task.sleep(for: .seconds(3))
            return rss
        }
        print(try Self.report(recorder, setup: setup, from: measureFrom, to: end - .seconds(5), rss: rss,
                              rssSeries: await series, streams: streams,
                              server: serverTimes.1.p99(since: serverTimes.0), scale: scale, seconds: seconds))
    }

    /// The hubs' resident memory every `interval` from `start` until `end`: a level reached
    /// (caches, the data the run stored) looks unlike a climb that does not stop (a leak).
    static func residentMegabytes(_ pids: [Int32], every interval: Duration, from start: ContinuousClock.Instant,
                                  until end: ContinuousClock.Instant) async -> [Double] {
        var samples: [Double] = [], next = start
        while next < end, (try? await Task.sleep(until: next)) != nil {
            samples.append(residentMegabytes(pids))
            next += interval
        }
        return samples
    }

    /// The hubs' resident memory in MB, summed (0 when no process ids were given).
    static func residentMegabytes(_ pids: [Int32]) -> Double {
        pids.reduce(0) { total, pid in
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            let kilobytes = line.flatMap { Double($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
            return total + kilobytes / 1024
        }
    }

    static func report(_ recorder: LoadRecorder, setup: LoadSetup, from start: ContinuousClock.Instant, to end: ContinuousClock.Instant,
                       rss: [String: Double], rssSeries: [Double] = [], streams: Int, server: [String: [String: Double]],
                       scale: Double, seconds: Int) throws -> String {
        var figures: [String: Any] = ["scale": scale, "seconds": seconds, "hubs": setup.hubs.count, "server_time": server]
        var totalErrors = 0
        for (kind, seen) in recorder.snapshot.sorted(by: { $0.key < $1.key }) {
            totalErrors += seen.errors
            figures[kind] = ["requests": seen.requests, "errors": seen.errors, "p50_ms": seen.latencies.percentile(0.5),
                             "p99_ms": seen.latencies.percentile(0.99), "max_ms": seen.latencies.max() ?? 0]
        }
        for channel in ["case-stream", "feed-stream", "webhook"] {
            let group = channel == "feed-stream" ? "hash" : "case"
            let lags = recorder.lags(channel, of: group, since: start)
            let copies = channel == "webhook" ? 1 : setup.streamsFollowing(channel, of: streams)
            figures[channel] = ["events": recorder.eventCount(channel), "lag_p50_ms": lags.percentile(0.5), "lag_p99_ms": lags.percentile(0.99),
                                "timed": lags.count, "missing": recorder.missing(channel, of: group, copies: copies, since: start, before: end)]
        }
        figures["errors"] = totalErrors
        figures["first_errors"] = recorder.errors
        if let warm = rss["after_warmup"], let last = rss["end"], warm > 0 {
            figures["rss_mb_after_warmup"] = warm
            figures["rss_mb_end"] = last
            figures["rss_growth_pct"] = (last - warm) / warm * 100
        }
        if rssSeries.count >= 4, let last = rss["end"] {
            // The second half's growth: near zero once memory has levelled off.
            let middle = rssSeries[rssSeries.count / 2]
            figures["rss_mb_every_30s"] = rssSeries.map { ($0 * 10).rounded() / 10 }
            figures["rss_growth_second_half_pct"] = middle > 0 ? (last - middle) / middle * 100 : 0
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys]), as: UTF8.self)
    }
}

/// A web server on loopback for what the hubs call: webhooks (recorded) and the removal
/// checker's fetches of referred URLs (answered 404, so each case's content is gone).
struct LoadReceiver {
    let recorder: LoadRecorder

    func run<Value>(_ body: (Int) async throws -> Value) async throws -> Value {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let data = try await request.body.collect(upTo: 1 << 20)
            let event = try? JSONSerialization.jsonObject(with: Data(data.readableBytesView)) as? [String: Any]
            recorder.arrived("webhook", item: (event?["event"] as? String) == "case-received" ? event?["caseID"] as? String : nil)
            return Response(status: .ok)
        }
        router.get("/content/:id") { _, _ in Response(status: .notFound) }
        let port = Mutex<Int?>(nil)
        var logger = Logger(label: "cordon-bench-load")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } }, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            let services = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
            group.addTask { try await services.run() }
            var waited = 0
            while port.withLock({ $0 }) == nil, waited < 500 {
                try await Task.sleep(for: .milliseconds(10))
                waited += 1
            }
            guard let bound = port.withLock({ $0 }) else { throw CommandFailure("the webhook receiver did not start") }
            let result = try await body(bound)
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return result
        }
    }
}
