import CordonStore
import CordonTestSupport
import Foundation
import Logging
import Testing

/// Two replicas updating one hub setting at once (as two starting together register the
/// hub's key ids) each see the other's change; neither fails.
@Suite struct HubSettingRaceTests {
    @Test(arguments: TransparencyFiguresTests.Backend.allCases)
    func replicasUpdatingOneSettingAtOnceLoseNothing(_ backend: TransparencyFiguresTests.Backend) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-store-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try await TransparencyFiguresTests.open(backend, in: folder)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let second = try await HubDatabase(first.location, logger: logger)
        let stores = [HubStore(first), HubStore(second)]
        // Each round a new setting, which neither replica has stored yet.
        for round in 0..<5 {
            let name = "race-\(round)"
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, store) in stores.enumerated() {
                    for token in 0..<10 {
                        group.addTask {
                            try await store.updateSetting(name) { value in
                                ((value?.split(separator: ",").map(String.init) ?? []) + ["\(index)-\(token)"]).sorted().joined(separator: ",")
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let stored = try await stores[0].setting(name)?.split(separator: ",").count
            #expect(stored == 20, "round \(round): \(stored ?? 0) of 20 updates kept")
        }
        await second.close()
        await first.close()
    }
}
