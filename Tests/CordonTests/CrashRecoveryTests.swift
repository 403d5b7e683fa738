import CordonTestSupport
import Foundation
import Testing

extension RealProcessTests {
    /// Nothing acknowledged is lost: `cordon serve` is killed with SIGKILL at random moments
    /// while clients ingest hashes in bulk and a referral unit refers content, restarted, and
    /// checked — every submission and referral that was answered 2xx is there (the feed, the
    /// case events), nothing half-written is, both read the same in small pages as in one,
    /// and the audit chain still verifies. On SQLite, and on
    /// PostgreSQL with two replicas killed one after the other.
    @Suite(.serialized) struct CrashRecoveryTests {
        static let rounds = 20

        final class Acknowledged: @unchecked Sendable {
            private let lock = NSLock()
            private var values: Set<String> = []
            private var referrals: Set<String> = []
            func add(_ more: [String]) { lock.withLock { values.formUnion(more) } }
            func addCase(_ id: String) { lock.withLock { _ = referrals.insert(id) } }
            var all: Set<String> { lock.withLock { values } }
            var cases: Set<String> { lock.withLock { referrals } }
        }

        struct Hub {
            let database: String
            let keyFile: String
            let adminKey: String
            let platform: String
            let unitKey: String
            let operatorKey: String
            let collection: String
        }

        static func prepare(database: String, folder: URL) async throws -> Hub {
            let keyFile = folder.appendingPathComponent("keys.json").path
            #expect(try CordonRunner.run(["keys", "init", "--key-file", keyFile]).status == 0)
            let created = try CordonRunner.run(["admin", "create-organisation", "--database", database, "--name", "Ingest", "--kind", "platform"])
            let adminKey = try #require(created.stdout.firstMatch(of: /cdn_[0-9a-f]{64}/).map { String($0.output) }, "\(created.stderr)")
            let unit = try CordonRunner.run(["admin", "create-organisation", "--database", database, "--name", "Unit", "--kind", "referral-unit"])
            let unitKey = try #require(unit.stdout.firstMatch(of: /cdn_[0-9a-f]{64}/).map { String($0.output) }, "\(unit.stderr)")
            let operatorKey = try #require(try CordonRunner.run(["admin", "create-operator", "--database", database]).stdout
                .firstMatch(of: /operator key (cdn_[0-9a-f]{64})/).map { String($0.output.1) })
            let server = try ServerProcess(["--database", database, "--key-file", keyFile])
            defer { server.stop() }
            let collection = try await server.call("POST", "/v1/collections", key: adminKey, json: ["name": "ingest"])
            let id = try #require((collection.body as? [String: Any])?["id"] as? String)
            let me = try await server.call("GET", "/v1/me", key: adminKey)
            let platform = try #require(((me.body as? [String: Any])?["organisation"] as? [String: Any])?["id"] as? String)
            return Hub(database: database, keyFile: keyFile, adminKey: adminKey, platform: platform, unitKey: unitKey,
                       operatorKey: operatorKey, collection: id)
        }

        static func randomHash() -> String {
            (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        }

        /// Four writers submit batches of 25 hashes, and one refers URLs, to `servers` in turn
        /// until a call fails.
        static func ingest(_ hub: Hub, _ servers: [ServerProcess], into acknowledged: Acknowledged) async {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    var turn = 0
                    while true {
                        let server = servers[turn % servers.count]
                        turn += 1
                        guard let reply = try? await server.call("POST", "/v1/referrals", key: hub.unitKey, json: [
                            "platform": hub.platform, "urls": ["https://example.org/post/\(UUID())"], "statement": "Recruitment video",
                        ], timeout: 5), (200..<300).contains(reply.status), let id = (reply.body as? [String: Any])?["id"] as? String
                        else { return }
                        acknowledged.addCase(id)
                    }
                }
                for writer in 0..<4 {
                    group.addTask {
                        var turn = writer
                        while true {
                            let hashes = (0..<25).map { _ in randomHash() }
                            let server = servers[turn % servers.count]
                            turn += 1
                            guard let reply = try? await server.call("POST", "/v1/collections/\(hub.collection)/signals", key: hub.adminKey,
                                                                     json: ["signals": hashes.map { ["type": "pdq", "value": $0] }], timeout: 5),
                                  (200..<300).contains(reply.status)
                            else { return }
                            acknowledged.add(hashes)
                        }
                    }
                }
            }
        }

        /// Every item of a paged list (`items` of each page, `next` the cursor), `limit` at a time.
        static func pages<Item>(_ server: ServerProcess, _ path: String, key: String, limit: Int, items: String,
                                _ item: ([String: Any]) -> Item) async throws -> [Item] {
            var since = 0
            var all: [Item] = []
            while true {
                let separator = path.contains("?") ? "&" : "?"
                let page = try #require(try await server.call("GET", "\(path)\(separator)since=\(since)&limit=\(limit)",
                                                              key: key, timeout: 30).body as? [String: Any])
                let batch = page[items] as? [[String: Any]] ?? []
                all += batch.map(item)
                let next = page["next"] as? Int ?? since
                if batch.isEmpty || next == since { return all }
                since = next
            }
        }

        /// Every change of the collection's feed.
        static func feed(_ hub: Hub, _ server: ServerProcess, limit: Int) async throws -> [(cursor: Int, value: String)] {
            try await pages(server, "/v1/feed?collection=\(hub.collection)", key: hub.adminKey, limit: limit, items: "changes") {
                ($0["cursor"] as? Int ?? -1, ($0["signal"] as? [String: Any])?["value"] as? String ?? "")
            }
        }

        /// Every case event the referral unit sees.
        static func caseEvents(_ hub: Hub, _ server: ServerProcess, limit: Int) async throws -> [(id: Int, kind: String, caseID: String)] {
            try await pages(server, "/v1/case-events", key: hub.unitKey, limit: limit, items: "events") {
                ($0["id"] as? Int ?? -1, $0["event"] as? String ?? "", $0["caseID"] as? String ?? "")
            }
        }

        static func check(_ hub: Hub, _ server: ServerProcess, _ acknowledged: Acknowledged, round: Int) async throws {
            let whole = try await feed(hub, server, limit: 10_000)
            let values = Set(whole.map(\.value))
            let lost = acknowledged.all.subtracting(values)
            #expect(lost.isEmpty, "round \(round): \(lost.count) acknowledged hashes lost")
            #expect(whole.allSatisfy { $0.value.wholeMatch(of: /[0-9a-f]{64}/) != nil }, "round \(round): a half-written signal")
            #expect(zip(whole, whole.dropFirst()).allSatisfy { $0.cursor < $1.cursor }, "round \(round): cursors out of order")
            let paged = try await feed(hub, server, limit: 97)
            #expect(paged.map(\.cursor) == whole.map(\.cursor), "round \(round): the feed reads differently in pages")
            let events = try await caseEvents(hub, server, limit: 5000), pagedEvents = try await caseEvents(hub, server, limit: 7)
            let received = Set(events.filter { $0.kind == "case-received" }.map(\.caseID))
            #expect(acknowledged.cases.subtracting(received).isEmpty, "round \(round): acknowledged referrals lost")
            #expect(zip(events, events.dropFirst()).allSatisfy { $0.id < $1.id }, "round \(round): case events out of order")
            #expect(pagedEvents.map(\.id) == events.map(\.id), "round \(round): the case events read differently in pages")
            let verified = try await server.call("GET", "/v1/audit/verify", key: hub.operatorKey, timeout: 30).body as? [String: Any]
            #expect(verified?["verified"] as? Bool == true, "round \(round): \(String(describing: verified))")
        }

        static func run(database: String, replicas: Int) async throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-crash-\(UUID())")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let hub = try await prepare(database: database.isEmpty ? "sqlite:" + folder.appendingPathComponent("hub.sqlite").path : database,
                                        folder: folder)
            let acknowledged = Acknowledged()
            for round in 1...rounds {
                let servers = try (0..<replicas).map { _ in try ServerProcess(["--database", hub.database, "--key-file", hub.keyFile]) }
                async let writing: Void = ingest(hub, servers, into: acknowledged)
                // Killed only once this round has acknowledged both kinds of write: a server slow
                // to start on a busy machine would otherwise die before it took any.
                let before = (acknowledged.all.count, acknowledged.cases.count)
                for _ in 0..<1200 where acknowledged.all.count == before.0 || acknowledged.cases.count == before.1 {
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(acknowledged.all.count > before.0 && acknowledged.cases.count > before.1,
                        "round \(round): nothing was acknowledged in 60 s")
                for server in servers {
                    try await Task.sleep(for: .milliseconds(Int.random(in: 200...1500)))
                    server.kill()
                }
                await writing
                let restarted = try ServerProcess(["--database", hub.database, "--key-file", hub.keyFile])
                defer { restarted.stop() }
                try await check(hub, restarted, acknowledged, round: round)
            }
        }

        @Test func sqliteKilledTwentyTimesDuringBulkIngestLosesNothingAcknowledged() async throws {
            try await Self.run(database: "", replicas: 1)
        }

        @Test func postgresWithTwoReplicasKilledTwentyTimesLosesNothingAcknowledged() async throws {
            try await Self.run(database: try TestPostgres.newDatabaseURL(), replicas: 2)
        }
    }
}
