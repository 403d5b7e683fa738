import CordonDomain
import CordonStore
import CordonTestSupport
import Foundation
import SQLKit
import Testing

/// After a bulk load on PostgreSQL the hub brings the planner's statistics of the feed's
/// tables up to date itself, instead of leaving feed pages planned for a near-empty table
/// until autovacuum comes round.
@Suite struct FeedStatisticsTests {
    @Test func aBulkLoadLeavesTheFeedsTablesAnalysed() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-stats-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await TransparencyFiguresTests.open(.postgres, in: folder)
        let store = HubStore(database)
        let member = try await SignalDirectoryTests.member("Platform", of: store)
        let collection = try await store.createCollection(name: "shared", description: "", by: member).id!
        let sql = database.database as! any SQLDatabase
        struct Row: Decodable { var relname: String, analysed: Bool }
        func analysed() async throws -> [String: Bool] {
            // `last_analyze` is set by ANALYZE only (autovacuum sets `last_autoanalyze`).
            let rows = try await sql.raw("""
                SELECT relname, last_analyze IS NOT NULL AS analysed FROM pg_stat_user_tables WHERE relname IN ('changes', 'signals')
                """).all(decoding: Row.self)
            return Dictionary(uniqueKeysWithValues: rows.map { ($0.relname, $0.analysed) })
        }
        _ = try await store.submit((0..<100).map { _ in SignalSubmission(type: .pdq, value: SignalDirectoryTests.hash()) },
                                   to: collection, by: member)
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await analysed() == ["changes": false, "signals": false], "a small submission is left to autovacuum")
        _ = try await store.submit((0..<1_500).map { _ in SignalSubmission(type: .pdq, value: SignalDirectoryTests.hash()) },
                                   to: collection, by: member)
        let deadline = ContinuousClock.now + .seconds(20)
        while try await analysed() != ["changes": true, "signals": true], ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(try await analysed() == ["changes": true, "signals": true])
        await database.close()
    }
}
