import CordonDomain
import CordonTestSupport
import Crypto
import Foundation
import Testing

extension RealProcessTests {
    /// Nothing acknowledged is lost: `cordon serve` is killed with SIGKILL at random moments
    /// while clients ingest hashes in bulk, a referral unit refers content, an authority
    /// issues signed removal orders and members contribute URLs and hashes to an active
    /// incident; then restarted and checked — every write answered 2xx is there (the feeds,
    /// the case events, the incident's URLs), nothing half-written is, the feed and the event
    /// logs read the same in small pages as in one, and the audit chain still verifies. On
    /// SQLite, and on PostgreSQL with two replicas killed one after the other.
    @Suite(.serialized) struct CrashRecoveryTests {
        static let rounds = 20

        /// The kinds of write the harness makes, each acknowledged apart.
        enum Write: CaseIterable {
            case hashes, referrals, orders, incidentURLs, incidentHashes
        }

        final class Acknowledged: @unchecked Sendable {
            private let lock = NSLock()
            private var values: [Write: Set<String>] = [:]
            func add(_ write: Write, _ more: some Sequence<String>) { lock.withLock { values[write, default: []].formUnion(more) } }
            subscript(_ write: Write) -> Set<String> { lock.withLock { values[write] ?? [] } }
            var counts: [Write: Int] { lock.withLock { values.mapValues(\.count) } }
        }

        struct Hub {
            let database: String
            let keyFile: String
            let adminKey: String
            let platform: String
            let unitKey: String
            let operatorKey: String
            let collection: String
            let authority: UUID
            let authorityKey: String
            let signer: Curve25519.Signing.PrivateKey
            let signingKey: String
            let incident: String
            let incidentCollection: String
        }

        static func key(_ output: String) -> String? { output.firstMatch(of: /cdn_[0-9a-f]{64}/).map { String($0.output) } }

        static func prepare(database: String, folder: URL) async throws -> Hub {
            let keyFile = folder.appendingPathComponent("keys.json").path
            #expect(try CordonRunner.run(["keys", "init", "--key-file", keyFile]).status == 0)
            func organisation(_ name: String, _ kind: String) throws -> String {
                let created = try CordonRunner.run(["admin", "create-organisation", "--database", database, "--name", name, "--kind", kind])
                return try #require(key(created.stdout), "\(created.stderr)")
            }
            let adminKey = try organisation("Ingest", "platform"), secondKey = try organisation("Second", "platform")
            let unitKey = try organisation("Unit", "referral-unit"), authorityKey = try organisation("Police", "authority")
            let operatorKey = try #require(try CordonRunner.run(["admin", "create-operator", "--database", database]).stdout
                .firstMatch(of: /operator key (cdn_[0-9a-f]{64})/).map { String($0.output.1) })
            let server = try ServerProcess(["--database", database, "--key-file", keyFile])
            defer { server.stop() }
            func object(_ method: String, _ path: String, _ key: String, _ json: Any? = nil) async throws -> [String: Any] {
                let reply = try await server.call(method, path, key: key, json: json, timeout: 30)
                return try #require(reply.body as? [String: Any], "\(method) \(path): \(reply.status)")
            }
            func organisationID(_ key: String) async throws -> String {
                try #require((try await object("GET", "/v1/me", key)["organisation"] as? [String: Any])?["id"] as? String)
            }
            let collection = try #require(try await object("POST", "/v1/collections", adminKey, ["name": "ingest"])["id"] as? String)
            let platform = try await organisationID(adminKey)
            let authority = try #require(UUID(uuidString: try await organisationID(authorityKey)))
            let signer = Curve25519.Signing.PrivateKey()
            let signingKey = try #require(try await object("POST", "/v1/signing-keys", authorityKey,
                                                           ["publicKey": signer.publicKey.rawRepresentation.base64EncodedString()])["id"] as? String)
            // An incident the board (both platforms: a quorum of two) has activated.
            for key in [adminKey, secondKey] {
                let member = try await organisationID(key)
                #expect(try await server.call("PUT", "/v1/organisations/\(member)/board", key: operatorKey, json: ["seated": true]).status == 204)
            }
            let proposal: [String: Any] = [
                "title": "Attack in Halle", "summary": "A livestreamed attack", "location": "Halle (Saale), DE",
                "occurredAt": "2026-11-23T10:00:00Z", "contentSeen": "perpetrator livestream, re-uploaded as clips", "drill": false,
                "criteria": ["ongoingOrRecentAttack": true, "perpetratorProducedViolentContent": true, "presentOnMemberPlatforms": true],
            ]
            let incident = try #require(try await object("POST", "/v1/incidents", unitKey, proposal)["id"] as? String)
            for key in [adminKey, secondKey] {
                _ = try await object("POST", "/v1/incidents/\(incident)/votes", key, ["decision": "activate", "reason": "attack footage"])
            }
            let active = try await object("GET", "/v1/incidents/\(incident)", unitKey)
            #expect(active["state"] as? String == "active", "\(active)")
            let incidentCollection = try #require(active["collection"] as? String)
            return Hub(database: database, keyFile: keyFile, adminKey: adminKey, platform: platform, unitKey: unitKey,
                       operatorKey: operatorKey, collection: collection, authority: authority, authorityKey: authorityKey,
                       signer: signer, signingKey: signingKey, incident: incident, incidentCollection: incidentCollection)
        }

        /// A removal order for one new URL, signed with the authority's registered key.
        static func order(_ hub: Hub) throws -> [String: Any] {
            let order = RemovalOrderContent(
                referenceNumber: "KILL-\(UUID().uuidString.prefix(8))", issuingAuthority: hub.authority,
                platform: try #require(UUID(uuidString: hub.platform)), urls: ["https://example.org/order/\(UUID().uuidString.lowercased())"],
                reasons: [.incitement], statement: "Glorifies the attack.", legalBasis: "Regulation (EU) 2021/784, Art. 3",
                redress: "Appeal to the administrative court within two months.", issuedAt: "2026-12-01T10:00:00Z")
            let signature = try hub.signer.signature(for: order.canonicalBytes).base64EncodedString()
            return ["order": try JSONSerialization.jsonObject(with: JSONEncoder().encode(order)), "signingKey": hub.signingKey,
                    "signature": signature]
        }

        static func randomHash() -> String {
            (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        }

        /// Four writers submit batches of 25 hashes, one refers URLs, one issues orders and one
        /// contributes URLs and hashes to the incident, to `servers` in turn until a call fails.
        static func ingest(_ hub: Hub, _ servers: [ServerProcess], into acknowledged: Acknowledged) async {
            /// Calls `write` on each server in turn until it returns nil (a call failed).
            @Sendable func writing(from turn: Int, _ write: (ServerProcess) async throws -> (Write, [String])?) async {
                var turn = turn
                while true {
                    let server = servers[turn % servers.count]
                    turn += 1
                    guard let (kind, values) = try? await write(server) else { return }
                    acknowledged.add(kind, values)
                }
            }
            @Sendable func created(_ reply: (status: Int, body: Any?)) -> [String: Any]? {
                (200..<300).contains(reply.status) ? reply.body as? [String: Any] : nil
            }
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await writing(from: 0) { server in
                        let reply = try await server.call("POST", "/v1/referrals", key: hub.unitKey, json: [
                            "platform": hub.platform, "urls": ["https://example.org/post/\(UUID())"], "statement": "Recruitment video",
                        ], timeout: 5)
                        return (created(reply)?["id"] as? String).map { (.referrals, [$0]) }
                    }
                }
                group.addTask {
                    await writing(from: 1) { server in
                        let reply = try await server.call("POST", "/v1/orders", key: hub.authorityKey, json: try order(hub), timeout: 5)
                        return (created(reply)?["id"] as? String).map { (.orders, [$0]) }
                    }
                }
                group.addTask {
                    var url = true
                    await writing(from: 0) { server in
                        defer { url.toggle() }
                        if url {
                            let shared = "https://example.org/clip/\(UUID().uuidString.lowercased())"
                            let reply = try await server.call("POST", "/v1/incidents/\(hub.incident)/urls", key: hub.unitKey,
                                                              json: ["url": shared], timeout: 5)
                            return created(reply) == nil ? nil : (.incidentURLs, [shared])
                        }
                        let hashes = (0..<5).map { _ in randomHash() }
                        let reply = try await server.call("POST", "/v1/incidents/\(hub.incident)/hashes", key: hub.adminKey,
                                                          json: ["signals": hashes.map { ["type": "pdq", "value": $0] }], timeout: 5)
                        return created(reply) == nil ? nil : (.incidentHashes, hashes)
                    }
                }
                for writer in 0..<4 {
                    group.addTask {
                        await writing(from: writer) { server in
                            let hashes = (0..<25).map { _ in randomHash() }
                            let reply = try await server.call("POST", "/v1/collections/\(hub.collection)/signals", key: hub.adminKey,
                                                              json: ["signals": hashes.map { ["type": "pdq", "value": $0] }], timeout: 5)
                            return created(reply) == nil ? nil : (.hashes, hashes)
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

        /// Every change of a collection's feed.
        static func feed(_ hub: Hub, _ server: ServerProcess, collection: String, limit: Int) async throws -> [(cursor: Int, value: String)] {
            try await pages(server, "/v1/feed?collection=\(collection)", key: hub.adminKey, limit: limit, items: "changes") {
                ($0["cursor"] as? Int ?? -1, ($0["signal"] as? [String: Any])?["value"] as? String ?? "")
            }
        }

        /// Every event of a log (`/v1/case-events`, `/v1/incident-events`) the key sees.
        static func events(_ path: String, _ key: String, _ server: ServerProcess, limit: Int) async throws
            -> [(id: Int, kind: String, subject: String)] {
            try await pages(server, path, key: key, limit: limit, items: "events") {
                ($0["id"] as? Int ?? -1, $0["event"] as? String ?? "", $0["caseID"] as? String ?? $0["incidentID"] as? String ?? "")
            }
        }

        static func check(_ hub: Hub, _ server: ServerProcess, _ acknowledged: Acknowledged, round: Int) async throws {
            for (collection, written) in [(hub.collection, Write.hashes), (hub.incidentCollection, .incidentHashes)] {
                let whole = try await feed(hub, server, collection: collection, limit: 10_000)
                let lost = acknowledged[written].subtracting(whole.map(\.value))
                #expect(lost.isEmpty, "round \(round): \(lost.count) acknowledged \(written) lost")
                let hashes = whole.filter { !$0.value.hasPrefix("https://") }
                #expect(hashes.allSatisfy { $0.value.wholeMatch(of: /[0-9a-f]{64}/) != nil }, "round \(round): a half-written signal")
                #expect(zip(whole, whole.dropFirst()).allSatisfy { $0.cursor < $1.cursor }, "round \(round): cursors out of order")
                let paged = try await feed(hub, server, collection: collection, limit: 97)
                #expect(paged.map(\.cursor) == whole.map(\.cursor), "round \(round): the feed reads differently in pages")
            }
            for (path, key, written) in [("/v1/case-events", hub.unitKey, Write.referrals), ("/v1/case-events", hub.authorityKey, .orders)] {
                let whole = try await events(path, key, server, limit: 5000), paged = try await events(path, key, server, limit: 7)
                let received = Set(whole.filter { $0.kind == "case-received" }.map(\.subject))
                #expect(acknowledged[written].subtracting(received).isEmpty, "round \(round): acknowledged \(written) lost")
                #expect(zip(whole, whole.dropFirst()).allSatisfy { $0.id < $1.id }, "round \(round): case events out of order")
                #expect(paged.map(\.id) == whole.map(\.id), "round \(round): the case events read differently in pages")
            }
            let incidentEvents = try await events("/v1/incident-events", hub.unitKey, server, limit: 5000)
            #expect(try await events("/v1/incident-events", hub.unitKey, server, limit: 7).map(\.id) == incidentEvents.map(\.id),
                    "round \(round): the incident events read differently in pages")
            let shared = try #require(try await server.call("GET", "/v1/incidents/\(hub.incident)/urls", key: hub.unitKey, timeout: 30).body
                as? [[String: Any]])
            let lostURLs = acknowledged[.incidentURLs].subtracting(shared.compactMap { $0["url"] as? String })
            #expect(lostURLs.isEmpty, "round \(round): \(lostURLs.count) acknowledged incident URLs lost")
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
                // Killed only once this round has acknowledged every kind of write: a server slow
                // to start on a busy machine would otherwise die before it took any.
                let before = acknowledged.counts
                func waiting() -> [Write] { Write.allCases.filter { acknowledged.counts[$0, default: 0] == before[$0, default: 0] } }
                for _ in 0..<1200 where !waiting().isEmpty { try await Task.sleep(for: .milliseconds(50)) }
                #expect(waiting().isEmpty, "round \(round): nothing acknowledged in 60 s of \(waiting())")
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

        @Test func sqliteKilledTwentyTimesLosesNothingAcknowledged() async throws {
            try await Self.run(database: "", replicas: 1)
        }

        @Test func postgresWithTwoReplicasKilledTwentyTimesLosesNothingAcknowledged() async throws {
            try await Self.run(database: try TestPostgres.newDatabaseURL(), replicas: 2)
        }
    }
}
