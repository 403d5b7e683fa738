import ArgumentParser
import AsyncHTTPClient
import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

/// Issues removal orders to a hub on loopback and measures, from a platform's live event
/// stream, how long each takes to reach the inbox and how late each deadline alert fires
/// (the hub's clock is moved forward to just before the first alert; time then flows).
struct OrdersBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders", abstract: "Time removal orders into the inbox and deadline alerts (prints JSON).")

    @Option(help: "Orders to issue.")
    var count = 1000

    @Option(help: "Cases stored beforehand (a Europol-scale history), whose inbox and report queries are timed.")
    var stored = 100_000

    @Option(help: "Loopback port for the hub.")
    var port = 18_731

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-orders-bench-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let database = try await HubDatabase(.sqlite(path: folder.appendingPathComponent("hub.sqlite").path), logger: logger)
        let store = HubStore(database)
        let platform = try await store.createOrganisation(name: "Platform", kind: .platform, by: nil)
        let authority = try await store.createOrganisation(name: "Authority", kind: .authority, by: nil)
        let platformKey = try await store.createKey(organisationID: platform.id!, role: .admin, label: "bench", by: nil).1
        let (authorityKeyRecord, authorityKey) = try await store.createKey(organisationID: authority.id!, role: .admin, label: "bench", by: nil)
        let signer = Curve25519.Signing.PrivateKey()
        let caller = Caller(organisationID: authority.id!, organisationName: "Authority", kind: .authority, keyID: authorityKeyRecord.id!, role: .admin)
        let signingKey = try await store.addSigningKey(publicKey: signer.publicKey.rawRepresentation.base64EncodedString(), by: caller, now: Date())
        let clock = AdjustableWallClock()
        let loadStarted = ContinuousClock.now
        try await StoredCaseLoad(count: stored, platform: platform.id!, authority: authority.id!, now: clock.now()).store(in: store)
        print("stored \(stored) cases in \(ContinuousClock.now - loadStarted)")
        let hub = try await Hub(store: store, configuration: HubConfiguration(clock: clock))
        let base = "http://127.0.0.1:\(port)"

        let group = ServiceGroup(services: [hub.application(host: "127.0.0.1", port: port, logger: logger)],
                                 gracefulShutdownSignals: [], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await OwnHub.waitForHealth(base)
            // Queries over the stored history: each 100 times, one after another.
            let year = Calendar(identifier: .gregorian).component(.year, from: clock.now())
            var queries: [String: [Double]] = [:]
            for (name, path, key) in [
                ("inbox", "/v1/cases?view=inbox", platformKey),
                ("inbox_open_orders", "/v1/cases?view=inbox&kind=removal-order&state=acknowledged", platformKey),
                ("issued", "/v1/cases?view=issued", authorityKey),
                ("report_platform", "/v1/reports/transparency?year=\(year)", platformKey),
                ("report_authority", "/v1/reports/transparency?year=\(year)", authorityKey),
            ] {
                queries[name] = try await StoredCaseLoad.time(base + path, key: key, repeats: 100)
                print("\(name): p50 \(queries[name]!.percentile(0.5)) ms, p99 \(queries[name]!.percentile(0.99)) ms")
            }
            // The platform's live stream: arrival time (hub clock) of each case's events.
            let arrivals = Mutex<[String: [String: Date]]>([:])
            let dues = Mutex<[String: Date]>([:])
            tasks.addTask {
                try await HubAPI(base: base, key: platformKey).follow("/v1/case-events/stream") { data in
                    guard let event = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                          let kind = event["event"] as? String, let caseID = event["caseID"] as? String else { return }
                    let now = clock.now()
                    arrivals.withLock { $0[caseID, default: [:]][kind] = now }
                    if kind == "deadline-15-minutes", let due = (event["detail"] as? [String: String])?["due"] {
                        dues.withLock { $0[caseID] = RemovalOrderContent.parseDate(due) }
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(500))

            // Issue the orders, 8 at a time; note when each request started.
            let issued = IssueTimes()
            let (total, authorityID, platformID, keyID) = (count, authority.id!, platform.id!, signingKey.id!.uuidString)
            try await withThrowingTaskGroup(of: Void.self) { senders in
                for worker in 0..<8 {
                    senders.addTask {
                        for index in stride(from: worker, to: total, by: 8) {
                            let order = RemovalOrderContent(
                                referenceNumber: "B-\(index)", issuingAuthority: authorityID, platform: platformID,
                                urls: ["https://bench.example.org/item/\(index)"], reasons: [.incitement], statement: "bench",
                                legalBasis: "Regulation (EU) 2021/784, Art. 3", redress: "court", issuedAt: "2026-11-23T10:00:00Z",
                                emergency: .init(justification: "bench"))
                            let body: [String: Any] = [
                                "order": try JSONSerialization.jsonObject(with: JSONEncoder().encode(order)),
                                "signingKey": keyID,
                                "signature": try signer.signature(for: order.canonicalBytes).base64EncodedString()]
                            var request = HTTPClientRequest(url: "\(base)/v1/orders")
                            request.method = .POST
                            request.headers.add(name: "Authorization", value: "Bearer \(authorityKey)")
                            request.headers.add(name: "Content-Type", value: "application/json")
                            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
                            let started = clock.now()
                            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                            let answer = try await response.body.collect(upTo: 1 << 20)
                            guard response.status == .created,
                                  let id = (try? JSONSerialization.jsonObject(with: Data(answer.readableBytesView)) as? [String: Any])?["id"] as? String
                            else { throw ValidationError("order \(index) failed: HTTP \(response.status.code) \(String(buffer: answer))") }
                            issued.times.withLock { $0[id] = started }
                        }
                    }
                }
                try await senders.waitForAll()
            }
            _ = try await waitUntil(seconds: 30) { arrivals.withLock { $0.values.filter { $0["case-received"] != nil }.count } >= count }
            let inbox = issued.times.withLock { issued in
                arrivals.withLock { arrivals in issued.compactMap { id, start in arrivals[id]?["case-received"].map { $0.timeIntervalSince(start) } } }
            }

            // Jump to 2 s before the first 15-minute alert; the rest fall due as time flows.
            let firstDue = issued.times.withLock { $0.values.min()! }.addingTimeInterval(3600 - 900)
            clock.advance(by: firstDue.timeIntervalSince(clock.now()) - 2)
            _ = try await waitUntil(seconds: 120) { dues.withLock { $0.count } >= count }
            let lateness = dues.withLock { dues in
                arrivals.withLock { arrivals in dues.compactMap { id, due in arrivals[id]?["deadline-15-minutes"].map { $0.timeIntervalSince(due) } } }
            }
            var figures: [String: Any] = [
                "orders": count, "stored_cases": stored,
                "inbox_received": inbox.count, "inbox_p50_ms": inbox.percentile(0.5) * 1000, "inbox_p99_ms": inbox.percentile(0.99) * 1000,
                "inbox_max_ms": (inbox.max() ?? 0) * 1000,
                "alerts_received": lateness.count, "alert_late_p50_ms": lateness.percentile(0.5) * 1000,
                "alert_late_p99_ms": lateness.percentile(0.99) * 1000, "alert_late_max_ms": (lateness.max() ?? 0) * 1000,
            ]
            for (name, times) in queries {
                figures["query_\(name)_p50_ms"] = times.percentile(0.5)
                figures["query_\(name)_p99_ms"] = times.percentile(0.99)
            }
            print("inbox: \(inbox.count) orders, p50 \(Int(inbox.percentile(0.5) * 1000)) ms, p99 \(Int(inbox.percentile(0.99) * 1000)) ms")
            print("alerts: \(lateness.count), late by p50 \(Int(lateness.percentile(0.5) * 1000)) ms, p99 \(Int(lateness.percentile(0.99) * 1000)) ms")
            print(String(decoding: try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys]), as: UTF8.self))
            await group.triggerGracefulShutdown()
            tasks.cancelAll()
        }
        await database.close()
    }

    private func waitUntil(seconds: Double, _ done: () -> Bool) async throws -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if done() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return done()
    }
}

/// When each order's request started, shared by the sending tasks.
private final class IssueTimes: Sendable {
    let times = Mutex<[String: Date]>([:])
}
