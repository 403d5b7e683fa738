import CordonTestSupport
import FluentKit
import Foundation
import Logging
import SQLKit
import Testing
@testable import CordonStore

/// On PostgreSQL the writers of one event table wait for its lock one per replica; the
/// others wait in memory, leaving the replica's connections to its reads. (Each used to
/// hold a connection while it waited: under bench/load a replica's whole pool waited on
/// one table lock while its matches, feed pages and streams timed out.)
@Suite struct TableLockQueueTests {
    @Test func writersOfOneEventTableHoldOneConnectionWhileTheyWait() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-lockqueue-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let replica = try await TransparencyFiguresTests.open(.postgres, in: folder)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let other = try await HubDatabase(replica.location, logger: logger)
        // The other replica holds the case events' lock until told to let go.
        let (release, letGo) = AsyncStream.makeStream(of: Void.self)
        let (held, holding) = AsyncStream.makeStream(of: Void.self)
        let holder = Task {
            try await other.database.transaction { db in
                try await (db as! any SQLDatabase).raw("LOCK TABLE case_events IN SHARE ROW EXCLUSIVE MODE").run()
                holding.yield()
                for await _ in release { break }
            }
        }
        for await _ in held { break }
        let writers = (0..<12).map { _ in
            Task { try await replica.write([.cases]) { db in try await (db as! any SQLDatabase).raw("SELECT 1").run() } }
        }
        // Reads still get a connection while twelve writers wait.
        let sql = other.database as! any SQLDatabase
        struct Row: Decodable { var waiting: Int }
        func waiting() async throws -> Int {
            try await sql.raw("""
                SELECT count(*)::int AS waiting FROM pg_stat_activity
                WHERE wait_event_type = 'Lock' AND query LIKE 'LOCK TABLE case_events%'
                """).first(decoding: Row.self)?.waiting ?? -1
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while try await waiting() == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await waiting() == 1, "connections of one replica waiting on the table lock")
        #expect(try await (replica.database as! any SQLDatabase).raw("SELECT 1 AS waiting").first(decoding: Row.self)?.waiting == 1)
        letGo.yield()
        try await holder.value
        for writer in writers { try await writer.value }
        await other.close()
        await replica.close()
    }
}
