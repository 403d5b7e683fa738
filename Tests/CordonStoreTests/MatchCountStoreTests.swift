import CordonStore
import CordonTestSupport
import Foundation
import Testing

/// Match counts add up per organisation and day on both backends (the upsert is the one
/// piece of SQL the two must both accept).
@Suite struct MatchCountStoreTests {
    @Test(arguments: TransparencyFiguresTests.Backend.allCases)
    func countsAddUpPerOrganisationAndDay(_ backend: TransparencyFiguresTests.Backend) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-store-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await TransparencyFiguresTests.open(backend, in: folder)
        let store = HubStore(database)
        let a = UUID(), b = UUID()
        try await store.addMatchCounts([.init(organisationID: a, day: "2026-11-30", queries: 5, matched: 1),
                                        .init(organisationID: a, day: "2026-12-01", queries: 2, matched: 2),
                                        .init(organisationID: b, day: "2026-12-01", queries: 7, matched: 0)])
        try await store.addMatchCounts([.init(organisationID: a, day: "2026-12-01", queries: 3, matched: 1)])
        try await store.addMatchCounts([])
        #expect(try await store.matchCounts(of: a, from: "2026-11-01").map { [$0.queries, $0.matched] } == [[5, 1], [5, 3]])
        #expect(try await store.matchCounts(of: a, from: "2026-12-01").map(\.day) == ["2026-12-01"])
        #expect(try await store.matchCounts(of: b, from: "2026-11-01").map(\.queries) == [7])
        #expect(try await store.matchCounts(of: UUID(), from: "2026-11-01").isEmpty)
        await database.close()
    }

    /// Per-signal counts go in 500 a statement; counts for more signals than that, added
    /// twice, add up for every one of them.
    @Test(arguments: TransparencyFiguresTests.Backend.allCases)
    func signalCountsAddUpAcrossStatements(_ backend: TransparencyFiguresTests.Backend) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-store-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await TransparencyFiguresTests.open(backend, in: folder)
        let store = HubStore(database)
        let first = Dictionary(uniqueKeysWithValues: (1...1_201).map { ($0, $0 % 7 + 1) })
        try await store.addSignalMatches(first)
        try await store.addSignalMatches([5: 10, 1_201: 1, 2_000: 4])
        try await store.addSignalMatches([:])
        var expected = first
        expected[5, default: 0] += 10
        expected[1_201, default: 0] += 1
        expected[2_000] = 4
        #expect(try await store.ledgerFacts().matches == expected)
        await database.close()
    }
}
