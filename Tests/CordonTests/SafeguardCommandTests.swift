import CordonTestSupport
import Foundation
import Testing

/// `cordon signal`, `cordon report`, `cordon notice` and `cordon campaign` against a
/// `cordon serve --demo` process: a platform's reinstatements quarantine its hash, its
/// contributor confirms it, the reports print, and bad input fails on stderr.
@Suite struct SafeguardCommandTests {
    @Test func aShellUserFeedsTheLedgerConfirmsAndReads() async throws {
        let hub = try await InteropHub.start()
        defer { hub.stop() }
        func cordon(_ arguments: [String], key: String? = nil) throws -> CordonRunner.Output {
            try CordonRunner.run(arguments + ["--hub", hub.base, "--key", key ?? hub.adminKey])
        }
        func json(_ output: CordonRunner.Output) -> [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8))) as? [String: Any] ?? [:]
        }
        let shared = try await hub.server.call("POST", "/v1/collections/\(hub.collection)/signals", key: hub.adminKey, json: [
            "type": "pdq", "value": String(repeating: "5a", count: 32), "labels": ["categories": ["incitement"]]])
        let id = try #require(((shared.body as? [String: Any])?["results"] as? [[String: Any]])?.first?["id"] as? Int, "\(String(describing: shared.body))")

        for _ in 0..<3 {
            let given = try cordon(["signal", "feedback", String(id), "--kind", "reinstated", "--distance", "4"], key: hub.betaKey)
            #expect(given.status == 0, "\(given.stderr)")
        }
        let ledger = json(try cordon(["signal", "ledger", String(id)]))
        #expect(ledger["actionable"] as? Bool == false && ledger["reason"] as? String == "false-positives", "\(ledger)")
        let confirmed = try cordon(["signal", "confirm", String(id), "--comment", "checked against the original"])
        #expect(confirmed.status == 0 && json(confirmed)["actionable"] as? Bool == true, "\(confirmed.stderr)")

        let report = json(try cordon(["report", "network", "--public"]))
        #expect(report["suppressedBelow"] as? Int == 10, "\(report)")
        let byAlgorithm = json(try cordon(["report", "ledger", "--by", "algorithm"]))
        #expect((byAlgorithm["rows"] as? [[String: Any]])?.contains { $0["key"] as? String == "pdq at distance 1-10" } == true, "\(byAlgorithm)")

        // Bad input: a clear message on stderr and a failing status; nothing stored.
        let badKind = try cordon(["signal", "feedback", String(id), "--kind", "maybe"], key: hub.betaKey)
        #expect(badKind.status != 0 && badKind.stderr.contains("kind"), "\(badKind.stderr)")
        let notTheirs = try cordon(["signal", "confirm", String(id)], key: hub.betaKey)
        #expect(notTheirs.status != 0 && notTheirs.stderr.contains("HTTP 403"), "\(notTheirs.stderr)")
        let halfReach = try cordon(["campaign", "reach", UUID().uuidString, "--week", "2026-W49"])
        #expect(halfReach.status != 0 && halfReach.stderr.contains("--impressions"), "\(halfReach.stderr)")
        let noBonaFide = try cordon(["notice", "send", "--platform", UUID().uuidString, "--explanation", "x", "--url", "https://a.example/1",
                                     "--name", "Sam", "--email", "sam@a.example"])
        #expect(noBonaFide.status != 0 && noBonaFide.stderr.contains("platform"), "\(noBonaFide.stderr)")
        let designation = try cordon(["signal", "designation-changed", "--entity", "Group Q"], key: hub.operatorKey)
        #expect(designation.status == 0 && json(designation)["signalsDue"] as? Int == 0, "\(designation.stderr)")
        let notOperator = try cordon(["signal", "designation-changed", "--entity", "Group Q"])
        #expect(notOperator.status != 0 && notOperator.stderr.contains("HTTP 403"))
        let after = json(try cordon(["signal", "ledger", String(id)]))
        #expect((after["ledger"] as? [String: Any])?["reinstatements"] as? Int == 3)
    }
}
