@testable import CordonServices
import CordonDomain
import CordonStore
import Foundation
import PDQ
import Testing

/// The in-memory catalog after a burst of writes: what is pending is folded into the search
/// tables once writes have paused for a second, not left for every search to scan.
@Suite struct SignalCatalogTests {
    @Test func pendingChangesAreCompactedOnceWritesPause() async throws {
        let catalog = SignalCatalog()
        var generator = SystemRandomNumberGenerator()
        let collection = UUID()
        let signals = (1...500).map { id in
            StoredSignal(id: id, collectionID: collection, type: .pdq,
                         value: PDQHash(words: (generator.next(), generator.next(), generator.next(), generator.next())).hex,
                         contributors: [UUID()])
        }
        catalog.apply(signals)
        #expect(catalog.pendingChanges == 500)
        catalog.compactWhenIdle()
        try await Task.sleep(for: .milliseconds(200))
        #expect(catalog.pendingChanges == 500, "writes have only just stopped: nothing is compacted yet")
        try await Task.sleep(for: .milliseconds(1000))
        catalog.compactWhenIdle()
        let deadline = ContinuousClock.now + .seconds(10)
        while catalog.pendingChanges > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(catalog.pendingChanges == 0)
        #expect(catalog.match(type: .pdq, value: signals[7].value, maxDistance: 0, in: [collection]).map(\.signal.id) == [8])
    }
}
