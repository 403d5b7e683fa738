import CordonDomain
@testable import CordonStore
import Foundation
import SQLKit
import Synchronization
import Testing

/// A stored status this version does not know (a corrupt row, a newer version's) must not
/// make a signal actionable (review finding F18): start-up does not load it, and the feed,
/// which every replica's catalog and every mirror follows, carries it as review-only.
@Suite struct FailClosedStatusTests {
    @Test func anUnknownStatusLoadsAsQuarantined() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-status-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await TransparencyFiguresTests.open(.sqlite, in: folder)
        do {
            try await check(database)
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }

    private func check(_ database: HubDatabase) async throws {
        let store = HubStore(database)
        let member = try await SignalDirectoryTests.member("Platform", of: store)
        let collection = try await store.createCollection(name: "shared", description: "", by: member).id!
        let id = try await store.submit([SignalSubmission(type: .pdq, value: SignalDirectoryTests.hash())], to: collection, by: member)
            .results[0].signal.id
        try await database.sql.raw("UPDATE signals SET status = 'bogus' WHERE id = \(bind: id)").run()

        let loaded = Mutex<[StoredSignal]>([])
        _ = try await store.loadMatchableSignals(batchSize: 100) { batch in loaded.withLock { $0 += batch } }
        #expect(!loaded.withLock { $0 }.contains { $0.id == id && $0.status == .active })
        let followed = try await store.changes(after: 0, in: collection, limit: 10)
        #expect(followed.first { $0.signal.id == id }?.signal.status == .quarantined)
    }
}
