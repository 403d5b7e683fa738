import ArgumentParser
import CordonDomain
import CordonHub
import CordonMirror
import CordonServices
import CordonStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOHTTP1
import ServiceLifecycle

/// `cordon bench mirror`: a hub (`cordon serve`, its own process, as a mirror meets it:
/// across the network) and a mirror in this process, over loopback HTTP. (b) the first
/// copy of N hashes and a restart with them (beside the hub's own start on the same
/// hashes); (a) from a hash shared at the hub to the retro-match case at the mirror; (c)
/// local matching under bench/hub's wrk load, at the hub and at the mirror in turn. Altitude, the system the mirror replaces, rebuilds its
/// index every 15 minutes and never re-checks past uploads, so the goals are absolute:
/// copy ≥ 100,000 hashes/s, restart ≤ 3 s, retro-match p99 < 1 s.
struct MirrorBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mirror", abstract: "Time the mirror's first copy, its restart and retro-matching (prints JSON).")

    @Option(help: "Hashes shared at the hub beforehand.")
    var hashes = 1_000_000

    @Option(help: "Retro-match trials.")
    var trials = 100

    @Option(help: "Restarts timed (the median is reported).")
    var restartRuns = 3

    @Option(help: "bench/hub's wrk script for the match load (bench/match.lua).")
    var wrkScript = "bench/match.lua"

    @Option(help: "Where the hub's file and the mirror's copy go, kept afterwards (to profile a start on them); a temporary folder, removed, when not given.")
    var folder: String?

    func validate() throws {
        for (name, value) in [("--hashes", hashes), ("--trials", trials), ("--restart-runs", restartRuns)] where value < 1 {
            throw ValidationError("\(name) must be at least 1; got \(value)")
        }
    }

    func run() async throws {
        let folder = self.folder.map { URL(fileURLWithPath: $0).appendingPathComponent("cordon-mirror-bench-\(UUID())") }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("cordon-mirror-bench-\(UUID())")
        defer { if self.folder == nil { try? FileManager.default.removeItem(at: folder) } }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let database = try await HubDatabase(.sqlite(path: folder.appendingPathComponent("hub.sqlite").path), logger: logger)
        let hub = try await Hub(store: HubStore(database))
        let record = try await hub.store.createOrganisation(name: "Platform", kind: .platform, by: nil)
        let (key, secret) = try await hub.store.createKey(organisationID: record.id!, role: .admin, label: "bench", by: nil)
        let platform = Caller(organisationID: record.id!, organisationName: "Platform", kind: .platform, keyID: key.id!, role: .admin)
        let collection = try await hub.services.createCollection(
            try API.command(API.NewCollection.self, ["name": "shared", "description": "bench"]), by: platform).id
        var random = SplitMix(seed: 18)
        func hash() -> String { (0..<4).map { _ in String(random.next(), radix: 16).leftPadded(16) }.joined() }
        for _ in stride(from: 0, to: hashes, by: 10_000) {
            let batch = (0..<10_000).map { _ in SignalSubmission(type: .pdq, value: hash(), labels: SignalLabels(categories: [.incitement])) }
            _ = try await hub.services.submit(API.Submission(signals: batch, isBulk: true), to: collection, minimal: true, by: platform)
        }
        await database.close()
        let hubPort = 18_741, hubFile = folder.appendingPathComponent("hub.sqlite").path
        let hubProgram = try await ProgramStart.start(["serve", "--database", "sqlite:" + hubFile, "--port", "\(hubPort)"],
                                                      answeringAt: "http://127.0.0.1:\(hubPort)")
        defer { ProgramStart.stop(hubProgram) }
        let hubAPI = HubAPI(base: "http://127.0.0.1:\(hubPort)", key: secret)
        let upstream = UpstreamHub(base: "http://127.0.0.1:\(hubPort)", key: secret)
        let data = folder.appendingPathComponent("mirror")

        // (b) The first copy.
        let clock = ContinuousClock()
        var started = clock.now
        var (mirror, localKey) = try await Mirror.open(in: data, upstream: upstream, wanted: [], logger: logger)
        var group = ServiceGroup(services: [mirror.application(host: "127.0.0.1", port: 0, logger: logger)], gracefulShutdownSignals: [], logger: logger)
        var task = Task { [group] in try await group.run() }
        while mirror.hub.matchableCount < hashes { try await Task.sleep(for: .milliseconds(20)) }
        let copySeconds = (clock.now - started).seconds
        print("first copy of \(hashes) hashes: \(String(format: "%.1f", copySeconds)) s, \(Int(Double(hashes) / copySeconds)) hashes/s")
        await group.triggerGracefulShutdown()
        _ = await task.result
        await mirror.hub.store.hub.close()

        // (b) Restarts with all of them, as a platform restarts it: the program, started anew,
        // until it answers. The in-process open that the trials below use is timed too.
        let mirrorPort = 18_742
        let restarts = try await ProgramStart.times(
            ["mirror", "--hub", "http://127.0.0.1:\(hubPort)", "--key", secret, "--data", data.path, "--port", "\(mirrorPort)"],
            answeringAt: "http://127.0.0.1:\(mirrorPort)", runs: restartRuns, label: "restart of cordon mirror with \(hashes) hashes")
        let restartSeconds = restarts.percentile(0.5)
        started = clock.now
        (mirror, _) = try await Mirror.open(in: data, upstream: upstream, wanted: [], logger: logger)
        let openSeconds = (clock.now - started).seconds
        print("in-process open with \(mirror.hub.matchableCount) hashes: \(String(format: "%.2f", openSeconds)) s")
        group = ServiceGroup(services: [mirror.application(host: "127.0.0.1", port: mirrorPort, logger: logger)],
                             gracefulShutdownSignals: [], logger: logger)
        task = Task { [group] in try await group.run() }

        // (a) Uploads first; then, one at a time, a near copy of each is shared at the hub.
        let local = try await mirror.hub.services.caller(secret: localKey!)
        var uploads: [(id: Int, hash: String)] = []
        for index in 0..<trials {
            let value = hash()
            let out = try await mirror.desk.record(UploadIn(contentID: "upload-\(index)", hashes: [.init(type: .pdq, value: value)]), by: local)
            uploads.append((out.upload.id, value))
        }
        try await Task.sleep(for: .seconds(1)) // the live feed is open
        var latencies: [Double] = []
        for upload in uploads {
            let near = String(upload.hash.dropLast(2)) + (upload.hash.hasSuffix("00") ? "ff" : "00")
            let shared = clock.now
            _ = try await hubAPI.text(.POST, "/v1/collections/\(collection)/signals", json: ["type": "pdq", "value": near])
            while try await mirror.desk.cases(state: "open", order: .newest, cursor: nil, limit: 1, by: local).cases.first?.reviewCase.uploadID != upload.id {
                try await Task.sleep(for: .milliseconds(1))
            }
            latencies.append((clock.now - shared).seconds * 1000)
        }
        print("shared at the hub → retro-match case at the mirror: p50 \(String(format: "%.1f", latencies.percentile(0.5))) ms, p99 \(String(format: "%.1f", latencies.percentile(0.99))) ms over \(trials)")

        // (c) Local matching under bench/hub's load: the same queries at the hub and at the mirror, in turn.
        var replay = SplitMix(seed: 18)
        var queries: [String] = []
        for index in 0..<min(hashes, 10_000) {
            let stored = (0..<4).map { _ in String(replay.next(), radix: 16).leftPadded(16) }.joined()
            queries.append(index.isMultiple(of: 2) ? String(stored.dropLast(1)) + (stored.hasSuffix("0") ? "1" : "0") : hash())
        }
        let hubLoad = try await MatchLoad.run(port: hubPort, key: secret, queries: queries, script: wrkScript, folder: folder)
        let mirrorLoad = try await MatchLoad.run(port: mirrorPort, key: localKey!, queries: queries, script: wrkScript, folder: folder)
        print("POST /v1/match, wrk \(MatchLoad.connections) connections for \(MatchLoad.seconds) s: hub \(Int(hubLoad.requestsPerSecond)) req/s "
              + "(p99 \(String(format: "%.2f", hubLoad.p99)) ms), mirror \(Int(mirrorLoad.requestsPerSecond)) req/s (p99 \(String(format: "%.2f", mirrorLoad.p99)) ms)")
        await group.triggerGracefulShutdown()
        _ = await task.result
        await mirror.hub.store.hub.close()
        ProgramStart.stop(hubProgram)

        // The anchor for the restart: the hub's own start on its file of the same hashes, timed the same way.
        let hubStarts = try await ProgramStart.times(
            ["serve", "--database", "sqlite:" + hubFile, "--port", "\(hubPort)"],
            answeringAt: "http://127.0.0.1:\(hubPort)", runs: restartRuns, label: "start of cordon serve on the hub's file of the same hashes")
        let hubStartSeconds = hubStarts.percentile(0.5)

        let figures: [String: Any] = [
            "hashes": hashes, "trials": trials,
            "first_copy_seconds": copySeconds, "first_copy_hashes_per_second": Double(hashes) / copySeconds,
            "goal_hashes_per_second": 100_000, "copy_ratio_to_goal": Double(hashes) / copySeconds / 100_000,
            "restart": "cordon mirror started as a program on the copy until GET /health answers, median of \(restartRuns)",
            "restart_seconds": restartSeconds, "restart_runs_seconds": restarts, "goal_restart_seconds": 3,
            "in_process_open_seconds": openSeconds,
            "hub_start": "cordon serve started on the hub's file until GET /health answers, median of \(restartRuns)",
            "hub_start_seconds": hubStartSeconds, "hub_start_runs_seconds": hubStarts,
            "restart_ratio_to_hub_start": restartSeconds / hubStartSeconds,
            "match_load": "wrk -t1 -c\(MatchLoad.connections) -d\(MatchLoad.seconds)s, POST /v1/match, the same \(queries.count) queries (half near copies), the hub (its own process) and the mirror, in turn",
            "hub": "cordon serve on the SQLite file the bench filled, its own process on loopback",
            "hub_match_requests_per_second": hubLoad.requestsPerSecond, "hub_match_p99_ms": hubLoad.p99,
            "mirror_match_requests_per_second": mirrorLoad.requestsPerSecond, "mirror_match_p99_ms": mirrorLoad.p99,
            "mirror_to_hub_match_ratio": mirrorLoad.requestsPerSecond / hubLoad.requestsPerSecond,
            "retro_match_p50_ms": latencies.percentile(0.5), "retro_match_p99_ms": latencies.percentile(0.99), "goal_retro_match_p99_ms": 1000,
            "altitude_design_worst_case_ms": 15 * 60 * 1000,
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys]), as: UTF8.self))
    }
}

/// bench/hub's load: wrk on `POST /v1/match` with its script, the queries round robin.
enum MatchLoad {
    static let connections = 16
    static let seconds = 10

    struct Result {
        var requestsPerSecond: Double
        var p50: Double
        var p99: Double
    }

    /// Runs wrk on a thread of its own: waiting for it on one of the few threads the servers'
    /// tasks run on starved one of the two servers in this process of every answer.
    static func run(port: Int, key: String, queries: [String], script: String, folder: URL) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Swift.Result<MatchLoad.Result, any Error> {
                    try blockingRun(port: port, key: key, queries: queries, script: script, folder: folder)
                })
            }
        }
    }

    private static func blockingRun(port: Int, key: String, queries: [String], script: String, folder: URL) throws -> Result {
        let list = folder.appendingPathComponent("queries.txt")
        try Data(queries.joined(separator: "\n").utf8).write(to: list)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["wrk", "-t1", "-c\(connections)", "-d\(seconds)s", "--latency", "-s", script, "http://127.0.0.1:\(port)"]
        process.environment = ProcessInfo.processInfo.environment.merging(["QUERIES": list.path, "KEY": key]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let rate = output.firstMatch(of: /Requests\/sec:\s+([\d.]+)/).flatMap({ Double($0.output.1) }) else {
            throw ValidationError("wrk failed (is it installed? bench/mirror installs it): \(output)")
        }
        guard output.firstMatch(of: /Non-2xx or 3xx responses|Socket errors/) == nil, rate > 0 else {
            throw ValidationError("wrk's matches at port \(port) were refused or failed: \(output)")
        }
        func latency(_ percent: Int) -> Double {
            guard let found = output.firstMatch(of: try! Regex("\\s\(percent)%\\s+([\\d.]+)(us|ms|s)")),
                  let value = Double(found.output[1].substring ?? "") else { return .nan }
            let unit = found.output[2].substring ?? "ms"
            return value * (unit == "us" ? 0.001 : unit == "s" ? 1000 : 1)
        }
        return Result(requestsPerSecond: rate, p50: latency(50), p99: latency(99))
    }
}

/// Starts `cordon` (this program) with `arguments` and times it until `GET /health` at
/// `base` answers; then kills it, as a crash would (the mirror is built to survive one).
///
/// Until the port accepts, it is tried with a bare TCP connect every 5 ms: the HTTP
/// client's pool waits out a backoff after refused connections, and its first answer came
/// up to 0.75 s after the server's (a start timed at 3.36 s or 2.6 s at random).
enum ProgramStart {
    /// `runs` starts, each timed; prints them under `label` with their median.
    static func times(_ arguments: [String], answeringAt base: String, runs: Int, label: String) async throws -> [Double] {
        var seconds: [Double] = []
        for _ in 0..<runs { seconds.append(try await time(arguments, answeringAt: base)) }
        print("\(label), until it answers: median \(String(format: "%.2f", seconds.percentile(0.5))) s of "
              + seconds.map { String(format: "%.2f", $0) }.joined(separator: ", "))
        return seconds
    }

    static func time(_ arguments: [String], answeringAt base: String) async throws -> Double {
        let clock = ContinuousClock()
        let started = clock.now
        let process = try await start(arguments, answeringAt: base)
        let seconds = (clock.now - started).seconds
        stop(process)
        return seconds
    }

    /// Starts `cordon` with `arguments` and returns it once `GET /health` at `base` answers.
    static func start(_ arguments: [String], answeringAt base: String) async throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(300)
        try process.run()
        let port = URLComponents(string: base)?.port ?? 80
        while clock.now < deadline {
            if accepts(port: port), (try? await HubAPI(base: base, key: "").text(.GET, "/health")) != nil { return process }
            guard process.isRunning else { throw ValidationError("cordon \(arguments[0]) exited (\(process.terminationStatus)) before it answered") }
            try await Task.sleep(for: .milliseconds(5))
        }
        stop(process)
        throw ValidationError("cordon \(arguments[0]) did not answer at \(base) within 300 s")
    }

    /// Whether something listens on 127.0.0.1:`port`.
    static func accepts(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Kills a started program, as a crash would.
    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
