@testable import CordonStore
import Foundation
import Logging
import NIOPosix
import Testing

/// A database its owner forgot to close: the pools close anyway (AsyncKit stops the
/// process when a pool is freed open, which once ended a CI run mid-suite).
@Suite struct HubDatabaseLifetimeTests {
    @Test func aDatabaseDroppedWithoutClosingClosesItsPoolsAndThreads() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-lifetime-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var logger = Logger(label: "test")
        logger.logLevel = .error
        var database: HubDatabase? = try await HubDatabase(.sqlite(path: folder.appendingPathComponent("hub.sqlite").path), logger: logger)
        let threads = try #require(database?.threads)
        _ = try await HubStore(database!).organisations()
        database = nil
        // Closing happens in the background; its last step stops the database's threads.
        var stopped = false
        for _ in 0..<200 where !stopped {
            stopped = (try? await threads.runIfActive { true }) == nil
            if !stopped { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(stopped, "the dropped database's threads are still running after 10 s")
    }

    /// A worker's last tick after its database was closed (a test's fixture closing it under
    /// a running synchroniser) gets an error, not a stopped process.
    @Test(arguments: TransparencyFiguresTests.Backend.allCases)
    func aQueryAfterCloseFailsWithAnError(_ backend: TransparencyFiguresTests.Backend) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-lifetime-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await TransparencyFiguresTests.open(backend, in: folder)
        let store = HubStore(database)
        _ = try await store.accessSnapshot()
        await database.close()
        await #expect(throws: (any Error).self) { try await store.accessSnapshot() }
        await #expect(throws: (any Error).self) { try await store.setting("anything") }
    }
}
