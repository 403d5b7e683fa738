@testable import CordonStore
import CordonTestSupport
import Foundation
import Logging
import SQLKit
import Testing

/// On PostgreSQL a runaway statement, or a transaction a stuck task left open, is cancelled
/// instead of holding its connection and locks for ever (the review's F12).
@Suite struct StatementTimeoutTests {
    static func open(timeout: Duration? = nil) async throws -> HubDatabase {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let url = try TestPostgres.newDatabaseURL()
        if let timeout { return try await HubDatabase(.postgres(url: url), statementTimeout: timeout, logger: logger) }
        return try await HubDatabase(.postgres(url: url), logger: logger)
    }

    @Test func servingConnectionsCarryAOneMinuteLimit() async throws {
        let database = try await Self.open()
        defer { Task { await database.close() } }
        let row = try #require(try await database.sql.raw(
            "SELECT current_setting('statement_timeout') AS s, current_setting('idle_in_transaction_session_timeout') AS i").first())
        #expect(try row.decode(column: "s", as: String.self) == "1min")
        #expect(try row.decode(column: "i", as: String.self) == "1min")
    }

    @Test func aStatementOverTheLimitFailsAndThePoolServesTheNext() async throws {
        let database = try await Self.open(timeout: .seconds(1))
        defer { Task { await database.close() } }
        let started = ContinuousClock.now
        await #expect(throws: (any Error).self) { try await database.sql.raw("SELECT pg_sleep(20)").run() }
        #expect(ContinuousClock.now - started < .seconds(15))
        let store = HubStore(database)
        _ = try await store.organisations()
    }
}
