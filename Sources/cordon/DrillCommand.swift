import ArgumentParser
import CordonHub
import CordonStore
import Foundation
import Hummingbird
import NIOHTTP1
import Logging
import ServiceLifecycle
import Synchronization

/// `cordon drill`: a Christchurch-scale crisis exercise. Against a running hub (`--hub`
/// and the operator's `--key`) or, by default, a hub of its own on loopback. `--bench` adds the
/// crisis protocol's speed goals: live streams and webhook receivers for every platform
/// and a second replica, and how fast each hash reached them.
struct DrillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drill",
        abstract: "Run a scripted crisis exercise: simulated platforms contribute variants and report matches; prints the figures.")

    @Option(help: "A running hub to exercise (default: one of its own on loopback).")
    var hub: String?

    @Option(help: "The operator's key of that hub (default: $CORDON_KEY).")
    var key: String?

    @Option(help: "Its own hub's database (default: a temporary SQLite file). Use postgres://… for two replicas in --bench.")
    var database: String?

    @Option(help: "Simulated platforms.")
    var platforms = 50

    @Option(help: "Visually distinct variants contributed.")
    var variants = 800

    @Option(help: "Hashes contributed in all: the variants, then near copies of them.")
    var contributions = 1000

    @Option(help: "Contributions per second.")
    var rate = 20.0

    @Flag(help: "Measure delivery to a live stream and a webhook per platform, and matchability on a second replica (prints JSON).")
    var bench = false

    @Flag(help: "Keep the drill afterwards instead of purging it.")
    var keep = false

    @Option(help: "First loopback port of its own hub (it uses three).")
    var port = 18_741

    func validate() throws {
        guard (2...500).contains(platforms) else { throw ValidationError("--platforms is 2 to 500") }
        guard variants >= 1, contributions >= variants else { throw ValidationError("--contributions must be at least --variants (at least 1)") }
        guard rate > 0, rate <= 1000 else { throw ValidationError("--rate is above 0 and at most 1000 per second") }
        if bench && hub != nil { throw ValidationError("--bench runs its own hub (two replicas and the receivers); leave out --hub") }
        if hub != nil && database != nil { throw ValidationError("--database is for its own hub; leave it out with --hub") }
    }

    func run() async throws {
        if let hub {
            let report = try await script(HubAPI(base: hub, key: HubAPI.key(key, what: "the hub operator's key"))).run(keep: keep)
            print(Self.summary(report, figures: [:]))
            return
        }
        try await OwnHub(database: database, port: port).run { primary, replica, adminKey, logger in
            var script = script(HubAPI(base: primary, key: adminKey))
            let receivers = CrisisReceivers()
            let sent = SentTimes()
            let listeners = ListenerTasks()
            let memberKey = Mutex<String?>(nil)
            if bench {
                let server = receivers.webhookServer(port: port + 2, logger: logger)
                listeners.add(Task { try await server.runService() })
                script.onPlatforms = { platforms in
                    memberKey.withLock { $0 = platforms.first?.1.key }
                    for (index, (_, api)) in platforms.enumerated() {
                        try await api.object(.POST, "/v1/webhooks", json: ["url": "http://127.0.0.1:\(port + 2)/hook/\(index)"])
                        let key = api.key
                        listeners.add(Task { try await receivers.subscribe(primary, listener: "stream-\(index)", key: key) })
                    }
                    try await receivers.waitForStreams(platforms.count)
                }
                script.onActivating = { _, collection, at in
                    sent.times.withLock { $0["activated"] = at }
                    // A member reads the incident's collection; the operator is no member.
                    if let replica, let key = memberKey.withLock({ $0 }) {
                        listeners.add(Task { try await receivers.mirror(replica, collection: collection, key: key) })
                    }
                }
                script.onContributing = { value, at in sent.times.withLock { $0[value] = at } }
            }
            let report: [String: Any]
            do {
                report = try await script.run(keep: keep)
            } catch {
                listeners.cancelAll()
                throw error
            }
            if bench {
                let sentItems = Array(sent.times.withLock { $0.keys })
                var expected: [String: [String]] = [:]
                for index in 0..<platforms { expected["stream-\(index)"] = sentItems; expected["webhook-\(index)"] = sentItems }
                if replica != nil { expected["replica"] = sentItems.filter { $0 != "activated" } }
                try await receivers.waitForArrivals(expected)
                if let failure = receivers.replicaFailure.withLock({ $0 }) {
                    listeners.cancelAll()
                    throw CommandFailure("the drill could not measure the second replica: \(failure)")
                }
            }
            listeners.cancelAll()
            let figures = bench ? CrisisFigures(receivers: receivers, sent: sent, platforms: platforms, replica: replica != nil).json : [:]
            print(Self.summary(report, figures: figures))
        }
    }

    /// The report's figures in a few lines, then one JSON object with them and `figures`.
    static func summary(_ report: [String: Any], figures: [String: Any]) -> String {
        let picture = report["picture"] as? [String: Any] ?? [:]
        let milestones = picture["milestones"] as? [String: Any] ?? [:]
        var all = figures
        all["hashes"] = picture["hashes"] ?? 0
        all["variants"] = picture["variants"] ?? 0
        all["contributors"] = picture["contributors"] ?? 0
        all["matches_reported"] = picture["matches"] ?? 0
        all["urls"] = picture["urls"] ?? 0
        all["timeline_events"] = (report["timeline"] as? [Any])?.count ?? 0
        all["drill"] = report["drill"] ?? true
        for (key, name) in [("firstHash", "first_hash_s"), ("hundredHashes", "hundred_hashes_s"), ("thousandHashes", "thousand_hashes_s")] {
            all[name] = milestones[key] ?? NSNull()
        }
        var lines = [
            "drill: \(all["hashes"]!) hashes from \(all["contributors"]!) platforms, \(all["variants"]!) variants, "
                + "\(all["matches_reported"]!) matches reported, \(all["urls"]!) URLs, \(all["timeline_events"]!) timeline events",
        ]
        if let p99 = figures["delivery_p99_ms"] as? Double {
            lines.append("alerts: all \(figures["alerted"]!) receivers within \(Int(figures["activation_to_all_alerted_ms"] as? Double ?? -1)) ms; "
                + "each hash reached every stream and webhook within p99 \(Int(p99)) ms"
                + ((figures["replica_match_p99_ms"] as? Double).map { "; matchable on the second replica within p99 \(Int($0)) ms" } ?? ""))
        }
        lines.append(String(decoding: (try? JSONSerialization.data(withJSONObject: all, options: [.sortedKeys])) ?? Data(), as: UTF8.self))
        return lines.joined(separator: "\n")
    }

    private func script(_ admin: HubAPI) -> DrillScript {
        DrillScript(admin: admin, platforms: platforms, variants: variants, contributions: contributions, rate: rate)
    }
}

/// When each hash (and the activating vote) was sent, by the benchmark's clock.
final class SentTimes: Sendable {
    let times = Mutex<[String: Date]>([:])
}

/// The benchmark's listening tasks, cancelled when it ends.
final class ListenerTasks: Sendable {
    private let tasks = Mutex<[Task<Void, any Error>]>([])

    func add(_ task: Task<Void, any Error>) { tasks.withLock { $0.append(task) } }

    func cancelAll() { tasks.withLock { for task in $0 { task.cancel() } } }
}
