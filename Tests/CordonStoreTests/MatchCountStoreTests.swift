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
}

/// The hand-written reader of the hub's times agrees with Foundation's.
@Suite struct ISOTimeTests {
    @Test func theHandReaderAgreesWithFoundation() throws {
        var random = SplitMix(seed: 3)
        for _ in 0..<2000 {
            let date = Date(timeIntervalSince1970: Double(random.next() % 6_000_000_000) / 1000 - 1_000_000)
            let text = HubStore.iso(date)
            let foundation = try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
            let mine = try #require(HubStore.date(iso: text))
            #expect(abs(mine.timeIntervalSince(foundation)) < 0.0005, "\(text)")
            #expect(HubStore.iso(mine) == HubStore.iso(foundation), "\(text) → \(HubStore.iso(foundation))")
        }
        #expect(HubStore.date(iso: "2024-02-29T23:59:59Z") == ISO8601DateFormatter().date(from: "2024-02-29T23:59:59Z"))
        #expect(HubStore.date(iso: "2026-13-01T00:00:00.000Z") == nil)
        #expect(HubStore.date(iso: "2026-12-01T10:00:00+01:00") == ISO8601DateFormatter().date(from: "2026-12-01T09:00:00Z"))
        #expect(HubStore.date(iso: "yesterday") == nil)
    }
}
