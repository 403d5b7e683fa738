@testable import CordonStore
import Foundation
import Logging
import SQLKit
import Testing

/// SQLite's write-ahead log is copied into the database file by the checkpointer's own
/// connection, not inside the write that fills it: the write connections have their
/// checkpoints turned off, yet the file takes the rows within a moment of their commit.
@Suite struct WALCheckpointerTests {
    @Test func theLogReachesTheFileWithoutTheWritersCheckpointing() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-wal-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("hub.sqlite").path
        let database = try await HubDatabase(.sqlite(path: path), logger: Logger(label: "test"))
        struct Setting: Decodable { var wal_autocheckpoint: Int }
        let setting = try await database.sql.raw("PRAGMA wal_autocheckpoint").first(decoding: Setting.self)
        #expect(setting?.wal_autocheckpoint == 0, "the writers leave checkpoints to the checkpointer")
        func fileSize() throws -> Int { try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0 }
        let before = try fileSize()
        // About 8 MB of rows, more than SQLite's own 1,000-page mark.
        let text = String(repeating: "x", count: 4_000)
        try await database.write([]) { db in
            let sql = db as! any SQLDatabase
            try await sql.raw("CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)").run()
            for _ in 0..<2_000 { try await sql.raw("INSERT INTO filler (body) VALUES (\(bind: text))").run() }
        }
        let deadline = Date().addingTimeInterval(10)
        while try fileSize() < before + 8_000_000, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        let after = try fileSize()
        #expect(after >= before + 8_000_000, "the rows reached the database file: \(after) bytes")
        await database.close()
    }
}
