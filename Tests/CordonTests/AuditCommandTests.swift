import CordonTestSupport
import Foundation
import Testing

/// `cordon audit`: an auditor verifies the chain through the hub, exports it, and verifies
/// the export offline; an export changed afterwards fails verification.
@Suite struct AuditCommandTests {
    @Test func anExportVerifiesOfflineUntilItIsChanged() async throws {
        let hub = try await InteropHub.start()
        defer { hub.stop() }
        let operatorKey = hub.operatorKey
        let remote = try CordonRunner.run(["audit", "verify", "--hub", hub.base, "--key", operatorKey])
        #expect(remote.status == 0 && remote.stdout.hasPrefix("verified: "), "\(remote.stdout)\(remote.stderr)")

        let file = hub.folder.appendingPathComponent("chain.json")
        let exported = try CordonRunner.run(["audit", "export", "--hub", hub.base, "--key", operatorKey, "-o", file.path])
        #expect(exported.status == 0, "\(exported.stderr)")
        let offline = try CordonRunner.run(["audit", "verify", "--file", file.path])
        #expect(offline.status == 0 && offline.stdout.hasPrefix("verified: "), "\(offline.stdout)\(offline.stderr)")

        var chain = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        var entries = try #require(chain["entries"] as? [[String: Any]])
        #expect(entries.count >= 3)
        entries[1]["target"] = "someone else"
        chain["entries"] = entries
        try JSONSerialization.data(withJSONObject: chain).write(to: file)
        let changed = try CordonRunner.run(["audit", "verify", "--file", file.path])
        #expect(changed.status == 1 && changed.stdout.hasPrefix("NOT verified") && changed.stderr.contains("altered"), "\(changed.stdout)\(changed.stderr)")

        let wrongKey = try CordonRunner.run(["audit", "verify", "--file", file.path, "--public-key", String(repeating: "A", count: 43) + "="])
        #expect(wrongKey.status == 1 && wrongKey.stderr.contains("forged-checkpoint"))
        let platform = try CordonRunner.run(["audit", "verify", "--hub", hub.base, "--key", hub.adminKey])
        #expect(platform.status != 0 && platform.stderr.contains("HTTP 403"))
        let missing = try CordonRunner.run(["audit", "verify", "--file", "/no/such/chain.json"])
        #expect(missing.status != 0 && missing.stderr.contains("cannot read"))
    }
}
