import CordonTestSupport
import Foundation
import Testing

/// `cordon serve` and `cordon admin` as a user runs them: the real binary, real HTTP.
@Suite struct ServeCommandTests {
    @Test func demoServerAnswersWithThePrintedKey() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-serve-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try ServerProcess(["--demo", "--database", "sqlite:" + folder.appendingPathComponent("hub.sqlite").path])
        defer { server.stop() }
        let key = try #require(server.banner.firstMatch(of: /cdn_[0-9a-f]{64}/).map { String($0.output) }, "\(server.banner)")
        #expect(server.banner.contains("open http://127.0.0.1:\(server.port)/ and sign in"), "the banner names the port chosen for --port 0")
        let reply = try await server.call("GET", "/v1/collections", key: key)
        #expect(reply.status == 200)
        let collections = reply.body as? [[String: Any]] ?? []
        #expect(collections.contains { $0["name"] as? String == "terrorist-content" })
        // Graceful shutdown ends cleanly, after the once-a-second catch-up has run.
        try await Task.sleep(for: .milliseconds(1500))
        #expect(server.stop() == 0)

        // Started again on the same database: new keys are printed and the old ones stop working.
        let again = try ServerProcess(["--demo", "--database", "sqlite:" + folder.appendingPathComponent("hub.sqlite").path])
        defer { again.stop() }
        let newKey = try #require(again.banner.firstMatch(of: /cdn_[0-9a-f]{64}/).map { String($0.output) }, "\(again.banner)")
        #expect(newKey != key)
        #expect(try await again.call("GET", "/v1/collections", key: newKey).status == 200)
        #expect(try await again.call("GET", "/v1/collections", key: key).status == 401)
    }

    /// Webhooks to this machine over plain http only with `--allow-loopback-outbound` (drills
    /// and `bench/load`); without it they are refused by the field.
    @Test func loopbackWebhooksOnlyWhenAllowed() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-serve-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = "sqlite:" + folder.appendingPathComponent("hub.sqlite").path
        let created = try CordonRunner.run(["admin", "create-organisation", "--database", database, "--name", "P", "--kind", "platform"])
        let key = try #require(created.stdout.firstMatch(of: /cdn_[0-9a-f]{64}/).map { String($0.output) }, "\(created.stderr)")
        let hook = ["url": "http://127.0.0.1:9/hook", "events": ["case-received"]] as [String: Any]
        let strict = try ServerProcess(["--database", database])
        let refused = try await strict.call("POST", "/v1/webhooks", key: key, json: hook)
        #expect(refused.status == 400 && ((refused.body as? [String: Any])?["error"] as? [String: Any])?["field"] as? String == "url")
        #expect(strict.stop() == 0)
        let allowing = try ServerProcess(["--database", database, "--allow-loopback-outbound"])
        defer { allowing.stop() }
        #expect(try await allowing.call("POST", "/v1/webhooks", key: key, json: hook).status == 201)
        #expect((try await allowing.call("GET", "/v1/webhooks", key: key).body as? [[String: Any]])?.count == 1)
    }

    /// `cordon bench load`'s bad options and an unreachable hub: a message on stderr and exit 1.
    @Test func theLoadDriverRefusesBadOptionsAndAnUnreachableHub() throws {
        let port = LoopbackPort.free()
        for (arguments, message) in [
            (["--operator-key", "k"], "--hub"),
            (["--hub", "http://127.0.0.1:\(port)", "--operator-key", "k", "--seconds", "5", "--warmup", "10"], "--seconds must be longer than --warmup"),
            (["--hub", "http://127.0.0.1:\(port)", "--operator-key", "k", "--streams", "5000"], "--streams is 0 to 2000"),
            (["--hub", "http://127.0.0.1:\(port)", "--operator-key", "k", "--seconds", "2", "--warmup", "1"], "cannot reach the hub"),
        ] {
            let run = try CordonRunner.run(["bench", "load"] + arguments)
            #expect(run.status != 0 && run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }

    @Test func aPlatformWorksItsInboxFromTheShell() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-inbox-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try ServerProcess(["--demo", "--database", "sqlite:" + folder.appendingPathComponent("hub.sqlite").path])
        defer { server.stop() }
        let key = try #require(server.banner.firstMatch(of: /cdn_[0-9a-f]{64}/).map { String($0.output) }, "\(server.banner)")
        let operatorKey = try #require(server.banner.firstMatch(of: /operator key[^\n]*(cdn_[0-9a-f]{64})/).map { String($0.output.1) })
        let me = try #require(try await server.call("GET", "/v1/me", key: key).body as? [String: Any])
        let platform = try #require((me["organisation"] as? [String: Any])?["id"] as? String)
        // A referral unit refers a URL to the demo platform.
        let unit = try #require(try await server.call("POST", "/v1/organisations", key: operatorKey, json: ["name": "IRU", "kind": "referral-unit"]).body as? [String: Any])
        let unitKey = try #require(try await server.call("POST", "/v1/organisations/\(unit["id"]!)/keys", key: operatorKey, json: ["role": "contributor"]).body as? [String: Any])
        let referral = try await server.call("POST", "/v1/referrals", key: unitKey["secret"] as? String,
                                             json: ["platform": platform, "urls": ["https://example.org/p/1"], "statement": "Recruitment video"])
        let id = try #require((referral.body as? [String: Any])?["id"] as? String)

        let hub = ["--hub", "http://127.0.0.1:\(server.port)", "--key", key]
        let list = try CordonRunner.run(["inbox", "list"] + hub)
        #expect(list.status == 0 && list.stdout.contains(id), "\(list.stderr)")
        let removed = try CordonRunner.run(["inbox", "act", id, "confirm-removal", "--removal", "disabled"] + hub)
        #expect(removed.status == 0 && removed.stdout.contains("\"state\":\"removed\""), "\(removed.stderr)")
        let again = try CordonRunner.run(["inbox", "act", id, "acknowledge"] + hub)
        #expect(again.status != 0 && again.stderr.contains("cannot acknowledge a case that is removed"))
        let badID = try CordonRunner.run(["inbox", "act", "42", "acknowledge"] + hub)
        #expect(badID.status != 0 && badID.stderr.contains("UUID"))
        let noKey = try CordonRunner.run(["inbox", "list", "--hub", "http://127.0.0.1:\(server.port)"])
        #expect(noKey.status != 0 && noKey.stderr.contains("CORDON_KEY"))
    }

    @Test func adminCreatesOrganisationsAndRefusesDuplicates() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-admin-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = "sqlite:" + folder.appendingPathComponent("hub.sqlite").path
        let first = try CordonRunner.run(["admin", "create-organisation", "--database", database, "--name", "Europol IRU", "--kind", "referral-unit"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("admin key cdn_"))
        let again = try CordonRunner.run(["admin", "create-organisation", "--database", database, "--name", "Europol IRU", "--kind", "referral-unit"])
        #expect(again.status != 0 && again.stderr.contains("exists already"))
        let badKind = try CordonRunner.run(["admin", "create-organisation", "--database", database, "--name", "X", "--kind", "bank"])
        #expect(badKind.status != 0 && badKind.stderr.contains("kind"))
        let badDatabase = try CordonRunner.run(["serve", "--database", "mysql://x"])
        #expect(badDatabase.status != 0 && badDatabase.stderr.contains("sqlite:PATH or postgres://"))
        let noKeys = try CordonRunner.run(["serve", "--database", "postgres://cordon@127.0.0.1:1/cordon"])
        #expect(noKeys.status != 0 && noKeys.stderr.contains("--key-file is required with PostgreSQL"), "\(noKeys.stderr)")
        // A database that cannot be opened is a failure (it once exited 0, as if all was well).
        let unopenable = try CordonRunner.run(["serve", "--database", "sqlite:" + folder.appendingPathComponent("absent/hub.sqlite").path])
        #expect(unopenable.status != 0 && unopenable.stderr.contains("cannot open"), "\(unopenable.stderr)")
        let alone = try CordonRunner.run(["serve", "--quorum", "1"])
        #expect(alone.status != 0 && alone.stderr.contains("no single organisation decides alone"))
        let twice = try CordonRunner.run(["serve", "--incident-levels", "tier-1,tier-1"])
        #expect(twice.status != 0 && twice.stderr.contains("--incident-levels"))
    }
}
