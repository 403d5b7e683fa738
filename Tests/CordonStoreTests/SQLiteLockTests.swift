@testable import CordonStore
import CordonDomain
import Foundation
import Logging
import NIOCore
import SQLKit
import SQLiteNIO
import Testing

/// `cordon admin` beside a running server is a second process writing the same SQLite file
/// (review finding F18): a write that meets the other's lock waits, it does not fail.
@Suite struct SQLiteLockTests {
    @Test func aWriteWaitsForAnotherConnectionsWriteInsteadOfFailing() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-lock-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("hub.sqlite").path
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let server = try await HubDatabase(.sqlite(path: path), logger: logger)
        let admin = try await HubDatabase(.sqlite(path: path), logger: logger)
        defer { Task { await server.close(); await admin.close() } }

        // The "admin" holds the write lock for a second…
        let locked = AsyncStream.makeStream(of: Void.self)
        let holder = Task {
            try await admin.write([]) { db in
                try await (db as! any SQLDatabase).raw("CREATE TABLE lock_probe (x INTEGER)").run()
                locked.continuation.yield()
                try await Task.sleep(for: .seconds(1))
            }
        }
        for await _ in locked.stream { break }
        // …and the server writes meanwhile.
        let organisation = try await HubStore(server).createOrganisation(name: "Written while locked", kind: .platform, by: nil)
        try await holder.value
        #expect(organisation.id != nil)
        #expect(try await HubStore(server).organisations().contains { $0.name == "Written while locked" })
    }

    /// A stalled request holding its event loop's one connection for longer than the
    /// driver's default 10 s makes the others wait, not fail (seen as HTTP 500s when a busy
    /// machine stalled the hub).
    @Test func aQueryWaitsForABusyConnectionLongerThanTheDriversTenSeconds() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-pool-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let hub = try await HubDatabase(.sqlite(path: folder.appendingPathComponent("hub.sqlite").path), logger: logger)
        defer { Task { await hub.close() } }
        let held = AsyncStream.makeStream(of: Void.self)
        let holders = hub.sqliteConnections.map { handle in
            Task {
                try await handle.withConnection { connection in
                    held.continuation.yield()
                    return connection.eventLoop.scheduleTask(in: .seconds(12)) {}.futureResult
                }.get()
            }
        }
        var holding = 0
        for await _ in held.stream {
            holding += 1
            if holding == holders.count { break }
        }
        #expect(try await HubStore(hub).organisations().isEmpty, "the read waited for a connection")
        for holder in holders { try await holder.value }
    }
}
