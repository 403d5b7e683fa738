import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import CordonTestSupport
import Crypto
import Foundation
import HTTPTypes
import SQLKit
import Testing

/// A purged preservation is gone from the disk, not only from the answers (review finding
/// F16). Sealed records never reach the disk in plain form and their key is forgotten after
/// the purge, so no copy opens, on PostgreSQL too; records kept plain (from before sealing,
/// or keys without a retention ratchet) are erased from SQLite's file and log.
@Suite struct PurgeErasureTests {
    static func onDisk(_ marker: String, in folder: URL) throws -> [String] {
        try Self.files(containing: marker, ["hub.sqlite", "hub.sqlite-wal"].map { folder.appending(path: $0).path })
    }

    static func files(containing marker: String, _ paths: [String]) throws -> [String] {
        let needle = Data(marker.utf8)
        return try paths.filter { path in
            guard FileManager.default.fileExists(atPath: path) else { return false }
            return try Data(contentsOf: URL(filePath: path)).range(of: needle) != nil
        }
    }

    /// A case Beta has removed (its statement, kept plain, is `statement`), and its preserved
    /// record with `marker` in the reference, metadata and evidence.
    static func preserved(_ d: DeskFixture, _ c: HubClient, marker: String,
                          statement: String = "s") async throws -> (caseID: String, preservation: String) {
        let referral = try await c.call(.post, "/v1/referrals", key: d.unitKey, json: [
            "platform": d.beta.uuidString, "urls": ["https://example.org/erase"], "statement": statement])
        let id = try #require(referral.object["id"] as? String)
        #expect(try await c.call(.post, "/v1/cases/\(id)/actions", key: d.betaKey, json: ["action": "confirm-removal"]).status == 200)
        let kept = try await c.call(.post, "/v1/cases/\(id)/preservations", key: d.betaKey, json: [
            "contentReference": "beta://uploads/\(marker)", "metadata": ["account": marker],
            "evidence": Data("frame of \(marker)".utf8).base64EncodedString()])
        #expect(kept.status == 201)
        return (id, try #require(kept.object["id"] as? String))
    }

    @Test func aPlainPurgedPreservationIsInNeitherTheDatabaseFileNorItsLog() async throws {
        var plain = HubKeyring.generate()
        plain.retention = nil
        let d = try await DeskFixture.make(.sqlite, keys: plain)
        let marker = "account-\(UUID().uuidString)"
        try await d.hub.withServer { c in
            _ = try await Self.preserved(d, c, marker: marker)
            // The test proves something only if the record was on disk to begin with.
            #expect(try !Self.onDisk(marker, in: d.hub.folder).isEmpty)

            #expect(try await d.hub.store.purgeExpiredPreservations(now: d.clock.now().addingTimeInterval(200 * 86_400)) == 1)
            #expect(try Self.onDisk(marker, in: d.hub.folder) == [])
        }
    }

    @Test(arguments: Backend.allCases)
    func aSealedPreservationNeverReachesTheDiskAndItsKeyIsForgottenAfterThePurge(_ backend: Backend) async throws {
        let clock = AdjustableWallClock()
        let keys = HubKeyring.generate(now: clock.now())
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-keys-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: keyFile) }
        try HubKeyFile.write(keys, to: keyFile)
        let d = try await DeskFixture.make(backend, clock: clock, keys: keys, keyFile: keyFile)
        let sql = d.hub.database.database as! any SQLDatabase
        let marker = "account-\(UUID().uuidString)"
        try await d.hub.withServer { c in
            let statement = "statement-\(UUID().uuidString)"
            let (caseID, preservation) = try await Self.preserved(d, c, marker: marker, statement: statement)
            let listed = try await c.call(.get, "/v1/cases/\(caseID)/preservations", key: d.betaKey)
            #expect(listed.array.first?["contentReference"] as? String == "beta://uploads/\(marker)", "answers show it as given")

            // A backup taken now: the row as stored, sealed.
            struct Row: Decodable { var content_reference: String; var metadata: String; var sealed_day: Int?; var case_id: UUID }
            let backup = try #require(try await sql.raw("SELECT content_reference, metadata, sealed_day, case_id FROM preservations")
                .first(decoding: Row.self))
            let day = try #require(backup.sealed_day)
            #expect(!backup.content_reference.contains(marker) && !backup.metadata.contains(marker))
            #expect(try Self.open(backup.content_reference, with: keys, day: day, caseID: backup.case_id) == "beta://uploads/\(marker)")
            var files = ["hub.sqlite", "hub.sqlite-wal"].map { d.hub.folder.appending(path: $0).path }
            if backend == .postgres {
                try await sql.raw("CHECKPOINT").run()
                files = try await Self.postgresFiles(sql)
            }
            #expect(try !Self.files(containing: statement, files).isEmpty, "the search finds what is stored plain")
            #expect(try Self.files(containing: "uploads/\(marker)", files) == [])
            #expect(try Self.files(containing: "frame of \(marker)", files) == [])

            // The period ends: the purge, and the key file forgets the day.
            clock.advance(by: 200 * 86_400)
            #expect(try await d.hub.hub.services.purgeExpiredPreservations() == 1)
            #expect(try await c.call(.get, "/v1/preservations/\(preservation)/evidence", key: d.betaKey).status == 404)
            let ratchet = try #require(try HubKeyFile.read(keyFile).retention)
            #expect(try ratchet.key(forDay: day) == nil, "the backup's key can no longer be derived")
            #expect(try ratchet.firstDay > day)
        }
    }

    /// Every file of the test cluster's write-ahead log and of this database.
    static func postgresFiles(_ sql: any SQLDatabase) async throws -> [String] {
        struct Oid: Decodable { var oid: Int }
        let oid = try #require(try await sql.raw("SELECT oid::int8 AS oid FROM pg_database WHERE datname = current_database()")
            .first(decoding: Oid.self)).oid
        let root = try TestPostgres.shared.get().dataDirectory
        return try ["pg_wal", "base/\(oid)"].flatMap { folder in
            try FileManager.default.contentsOfDirectory(atPath: "\(root)/\(folder)").map { "\(root)/\(folder)/\($0)" }
        }.filter { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && !isFolder.boolValue
        }
    }

    /// Opens a sealed reference as anyone holding a copy of the key file would.
    static func open(_ sealed: String, with keys: HubKeyring, day: Int, caseID: UUID) throws -> String? {
        guard let key = try keys.retention?.key(forDay: day), let data = Data(base64Encoded: sealed) else { return nil }
        let binding = Data("preservation \(caseID.uuidString) contentReference".utf8)
        return String(decoding: try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key, authenticating: binding), as: UTF8.self)
    }
}
