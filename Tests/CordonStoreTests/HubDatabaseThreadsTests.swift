@testable import CordonStore
import Foundation
import Logging
import NIOPosix
import Testing

/// SQLite's blocking calls do not queue behind other blocking work: on NIO's shared pool
/// of one thread per core, two video decodes or a slow DNS lookup held up every query (and
/// a test that held the shared pool's threads saw the store stop answering until it let go).
@Suite struct HubDatabaseThreadsTests {
    @Test func sqliteRunsOnThreadsOfItsOwn() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-threads-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let database = try await HubDatabase(.sqlite(path: folder.appendingPathComponent("hub.sqlite").path), logger: Logger(label: "test"))
        let threads = try #require(database.threads)
        #expect(threads !== NIOThreadPool.singleton)
        // Closing the database stops its threads.
        _ = try await HubStore(database).organisations()
        await database.close()
        await #expect(throws: (any Error).self) { try await threads.runIfActive { 1 } }
    }
}
