import CordonDomain
import CordonHub
import CordonStore
import Foundation
import HTTPTypes
import Testing

/// A purged preservation is gone from the disk, not only from the answers (review finding
/// F16): on SQLite neither the database file nor its write-ahead log still holds it.
@Suite struct PurgeErasureTests {
    static func onDisk(_ marker: String, in folder: URL) throws -> [String] {
        let needle = Data(marker.utf8)
        return try ["hub.sqlite", "hub.sqlite-wal"].filter { name in
            let path = folder.appending(path: name).path
            guard FileManager.default.fileExists(atPath: path) else { return false }
            return try Data(contentsOf: URL(filePath: path)).range(of: needle) != nil
        }
    }

    @Test func aPurgedPreservationIsInNeitherTheDatabaseFileNorItsLog() async throws {
        let d = try await DeskFixture.make(.sqlite)
        let marker = "account-\(UUID().uuidString)"
        try await d.hub.withServer { c in
            let referral = try await c.call(.post, "/v1/referrals", key: d.unitKey,
                                            json: ["platform": d.beta.uuidString, "urls": ["https://example.org/erase"], "statement": "s"])
            let id = try #require(referral.object["id"] as? String)
            #expect(try await c.call(.post, "/v1/cases/\(id)/actions", key: d.betaKey, json: ["action": "confirm-removal"]).status == 200)
            let kept = try await c.call(.post, "/v1/cases/\(id)/preservations", key: d.betaKey, json: [
                "contentReference": "beta://uploads/\(marker)", "metadata": ["account": marker],
                "evidence": Data("frame of \(marker)".utf8).base64EncodedString()])
            #expect(kept.status == 201)
            // The test proves something only if the record was on disk to begin with.
            #expect(try !Self.onDisk(marker, in: d.hub.folder).isEmpty)

            #expect(try await d.hub.store.purgeExpiredPreservations(now: d.clock.now().addingTimeInterval(200 * 86_400)) == 1)
            #expect(try Self.onDisk(marker, in: d.hub.folder) == [])
        }
    }
}
