import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `cordon serve` and `cordon admin` as a user runs them: the real binary, real HTTP.
@Suite struct ServeCommandTests {
    @Test func demoServerAnswersWithThePrintedKey() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-serve-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let process = Process()
        process.executableURL = CordonRunner.binary
        process.arguments = ["serve", "--demo", "--port", "0", "--database", "sqlite:" + folder.appendingPathComponent("hub.sqlite").path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        // Read until the server says where it listens (bounded: 30 s).
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        while !text.contains("listening on"), Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let key = try #require(text.firstMatch(of: /cdn_[0-9a-f]{64}/).map { String($0.output) }, "\(text)")
        let port = try #require(text.firstMatch(of: /listening on 127\.0\.0\.1:(\d+)/).map { String($0.output.1) }, "\(text)")

        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/collections")!)
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let collections = try JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        #expect(collections?.first?["name"] as? String == "terrorist-content")
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
