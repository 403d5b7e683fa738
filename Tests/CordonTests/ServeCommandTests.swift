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
        let reply = try await server.call("GET", "/v1/collections", key: key)
        #expect(reply.status == 200)
        let collections = reply.body as? [[String: Any]]
        #expect(collections?.first?["name"] as? String == "terrorist-content")
        // Graceful shutdown ends cleanly, after the once-a-second catch-up has run.
        try await Task.sleep(for: .milliseconds(1500))
        #expect(server.stop() == 0)
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
    }
}
