import CordonTestSupport
import Foundation
import Testing

/// The hub's keys as an operator handles them: a key file made by `cordon keys`, read by
/// `cordon serve`, rotated, and refused when a replica's file does not match.
@Suite struct KeysCommandTests {
    @Test func theKeysLiveInTheirFileRotateAndAMismatchedReplicaIsRefused() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-keys-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let keyFile = folder.appendingPathComponent("hub-keys.json").path, databasePath = folder.appendingPathComponent("hub.sqlite").path
        let database = "sqlite:" + databasePath

        let made = try CordonRunner.run(["keys", "init", "--key-file", keyFile])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int == 0o600)
        let firstID = try #require(made.stdout.firstMatch(of: /signing  ([0-9a-f]{16}) .* current/).map { String($0.output.1) })
        let again = try CordonRunner.run(["keys", "init", "--key-file", keyFile])
        #expect(again.status != 0 && again.stderr.contains("cordon keys rotate"))
        let privateKey = try #require((try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: keyFile)))
            as? [String: Any]).flatMap { ($0["signing"] as? [[String: Any]])?.first?["privateKey"] as? String })
        #expect(!made.stdout.contains(privateKey), "show prints no secret")

        let operatorKey = try #require(try CordonRunner.run(["admin", "create-operator", "--database", database]).stdout
            .firstMatch(of: /operator key (cdn_[0-9a-f]{64})/).map { String($0.output.1) })
        do {
            let server = try ServerProcess(["--database", database, "--key-file", keyFile])
            defer { server.stop() }
            let key = try await server.call("GET", "/v1/hub-key", key: operatorKey)
            #expect((key.body as? [String: Any])?["id"] as? String == firstID)
            // Something signed with it: the audit chain's checkpoint, made once the hub starts.
            var verified: [String: Any] = [:]
            for _ in 0..<100 where (verified["checkpoints"] as? Int ?? 0) == 0 {
                try await Task.sleep(for: .milliseconds(200))
                verified = try await server.call("GET", "/v1/audit/verify", key: operatorKey).body as? [String: Any] ?? [:]
            }
            #expect(verified["verified"] as? Bool == true && verified["checkpoints"] as? Int == 1, "\(verified)")
            #expect(server.stop() == 0)
        }
        // The database holds no private key of the hub's.
        let stored = try Data(contentsOf: URL(fileURLWithPath: databasePath)) + ((try? Data(contentsOf: URL(fileURLWithPath: databasePath + "-wal"))) ?? Data())
        #expect(stored.range(of: Data(privateKey.utf8)) == nil)
        #expect(stored.range(of: try #require(Data(base64Encoded: privateKey))) == nil)

        // Another file on the same database: refused, saying why, before it listens.
        let stranger = folder.appendingPathComponent("other-keys.json").path
        #expect(try CordonRunner.run(["keys", "init", "--key-file", stranger]).status == 0)
        let refused = try CordonRunner.run(["serve", "--port", "0", "--database", database, "--key-file", stranger])
        #expect(refused.status != 0 && refused.stderr.contains("same key file"), "\(refused.stderr)")
        // A file others may read: refused.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: stranger)
        let readable = try CordonRunner.run(["serve", "--port", "0", "--database", database, "--key-file", stranger])
        #expect(readable.status != 0 && readable.stderr.contains("chmod 600"), "\(readable.stderr)")

        // Rotated: the new key signs, the old one is listed retired, the chain still verifies.
        let rotated = try CordonRunner.run(["keys", "rotate", "--key-file", keyFile])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        #expect(rotated.stdout.contains("signing  \(firstID)") && rotated.stdout.contains("retired"))
        let server = try ServerProcess(["--database", database, "--key-file", keyFile])
        defer { server.stop() }
        let keys = try #require((try await server.call("GET", "/v1/hub-keys", key: operatorKey).body as? [String: Any])?["keys"] as? [[String: Any]])
        #expect(keys.count == 2 && keys[1]["id"] as? String == firstID && keys[1]["retiredAt"] != nil && keys[0]["retiredAt"] == nil)
        #expect((try await server.call("GET", "/v1/hub-key", key: operatorKey).body as? [String: Any])?["id"] as? String == keys[0]["id"] as? String)
        // The checkpoint the retired key signed still verifies.
        let verified = try await server.call("GET", "/v1/audit/verify", key: operatorKey).body as? [String: Any] ?? [:]
        #expect(verified["verified"] as? Bool == true && (verified["checkpoints"] as? Int ?? 0) >= 1, "\(verified)")
    }
}
