import CordonDomain
import CordonStore
import CordonTestSupport
import Foundation
import Synchronization
import Testing

/// Start-up reads every matchable signal in batches; on SQLite the ids are cut into one
/// range per connection, read at once. Every signal that can match comes exactly once,
/// the first and the last id included (neither retracted here); retracted ones never.
@Suite struct MatchableSignalLoadTests {
    @Test(arguments: TransparencyFiguresTests.Backend.allCases)
    func everyMatchableSignalComesOnceInBatches(_ backend: TransparencyFiguresTests.Backend) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-load-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await TransparencyFiguresTests.open(backend, in: folder)
        let store = HubStore(database)
        let member = try await SignalDirectoryTests.member("Platform", of: store)
        let collection = try await store.createCollection(name: "shared", description: "", by: member).id!
        // Image hashes and digests, in two submissions; 2,501 signals, so no range or batch is even.
        let hashes = (0..<2_000).map { _ in SignalSubmission(type: .pdq, value: SignalDirectoryTests.hash()) }
        let digests = (0..<501).map { _ in SignalSubmission(type: .md5, value: String(SignalDirectoryTests.hash().prefix(32))) }
        var ids: [Int] = []
        for batch in [hashes, digests] {
            ids += try await store.submit(batch, to: collection, by: member).results.map(\.signal.id)
        }
        ids.sort()
        let retracted = [ids[1], ids[1_234], ids[ids.count - 2]]
        for id in retracted { _ = try await store.retract(signalID: id, wholly: true, by: member) }

        let batches = Mutex<[[StoredSignal]]>([])
        let cursor = try await store.loadMatchableSignals(batchSize: 500) { batch in batches.withLock { $0.append(batch) } }
        let loaded = batches.withLock { $0 }
        #expect(cursor == (try await store.latestChange()))
        #expect(loaded.allSatisfy { !$0.isEmpty && $0.count <= 500 })
        let loadedIDs = loaded.flatMap { $0.map(\.id) }
        #expect(loadedIDs.count == ids.count - retracted.count, "each signal once")
        let expected = Set(ids).subtracting(retracted)
        let (missing, extra) = (expected.subtracting(loadedIDs), Set(loadedIDs).subtracting(expected))
        #expect(missing.isEmpty && extra.isEmpty, "missing \(missing.sorted()), not matchable \(extra.sorted())")
        #expect(loaded.joined().filter { $0.type == .md5 }.count == 500)
        await database.close()
    }
}
