@testable import CordonStore
import CordonDomain
import Foundation
import Logging
import SQLKit
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
}
