import CordonTestSupport
import Foundation
import Testing

/// `cordon drill` end to end: its own hub, simulated platforms, the figures it prints.
@Suite struct DrillCommandTests {
    @Test func aSmallDrillRunsAndPrintsItsFigures() throws {
        let port = Int.random(in: 30_000...60_000)
        let output = try CordonRunner.run(["drill", "--platforms", "3", "--variants", "5", "--contributions", "8", "--rate", "100",
                                           "--bench", "--port", String(port)])
        #expect(output.status == 0, "\(output.stderr)")
        let figures = try #require(try JSONSerialization.jsonObject(with: Data((output.lines.last ?? "").utf8)) as? [String: Any])
        #expect(figures["hashes"] as? Int == 8 && figures["variants"] as? Int == 5 && figures["contributors"] as? Int == 3)
        #expect(figures["drill"] as? Bool == true && figures["urls"] as? Int == 3)
        #expect(figures["alerted"] as? Int == 6 && figures["deliveries_missing"] as? Int == 0)
        #expect((figures["delivery_p99_ms"] as? Double ?? -1) >= 0)
    }

    /// On PostgreSQL the drill also measures a second replica, reading its feed with a
    /// member's key: with the operator's (no member) every hash was "missing" there.
    @Test func onPostgresTheSecondReplicaSeesEveryHash() throws {
        let port = Int.random(in: 30_000...60_000)
        let output = try CordonRunner.run(["drill", "--platforms", "3", "--variants", "5", "--contributions", "8", "--rate", "100",
                                           "--bench", "--port", String(port), "--database", try TestPostgres.newDatabaseURL()])
        #expect(output.status == 0, "\(output.stderr)")
        let figures = try #require(try JSONSerialization.jsonObject(with: Data((output.lines.last ?? "").utf8)) as? [String: Any])
        #expect(figures["replica_missing"] as? Int == 0 && figures["deliveries_missing"] as? Int == 0, "\(figures)")
        #expect((figures["replica_match_p99_ms"] as? Double ?? -1) >= 0)
    }

    @Test func badOptionsAreRefusedOnStderr() throws {
        let fewer = try CordonRunner.run(["drill", "--variants", "10", "--contributions", "5"])
        #expect(fewer.status != 0 && fewer.stderr.contains("--contributions must be at least --variants"))
        let remote = try CordonRunner.run(["drill", "--bench", "--hub", "http://127.0.0.1:9"])
        #expect(remote.status != 0 && remote.stderr.contains("leave out --hub"))
        let unreachable = try CordonRunner.run(["drill", "--hub", "http://127.0.0.1:9", "--key", "x", "--platforms", "2", "--variants", "1",
                                                "--contributions", "1"])
        #expect(unreachable.status != 0 && unreachable.stderr.contains("cannot reach the hub"))
    }
}
