import CordonDomain
@testable import CordonServices
import CordonStore
import Foundation
import Synchronization
import Testing

/// "Matches today": counted in memory on the match path, stored in the background, read
/// back without counting anything twice, a row per UTC day.
@Suite struct MatchCountTests {
    @Test func matchesAreCountedPerOrganisationAndDayAndStoredOnce() async throws {
        // A clock that stands still: a slow machine must not carry the test past midnight.
        let clock = StoppedClock(ISO8601DateFormatter().date(from: "2026-11-30T23:59:00Z")!)
        var configuration = HubConfiguration()
        configuration.clock = clock
        let w = try await HubServicesTests.world(configuration)
        defer { Task { await w.close() } }
        let owner = try await HubServicesTests.member(w, "Owner", .platform)
        let other = try await HubServicesTests.member(w, "Other", .platform)
        let collection = try await w.services.createCollection(.init(name: "c", description: ""), by: owner)
        let shared = String(repeating: "a5", count: 32)
        _ = try await w.services.submit(API.Submission(signals: [SignalSubmission(type: .pdq, value: shared)]), to: collection.id, by: owner)
        let near = "5a" + String(shared.dropFirst(2)), far = String(repeating: "0f", count: 32)

        _ = try await w.services.match(API.MatchQuery(hashes: [.init(type: .pdq, value: near), .init(type: .pdq, value: far)]), by: owner)
        clock.advance(by: 120) // past midnight: a new day
        _ = try await w.services.match(API.MatchQuery(hashes: [.init(type: .pdq, value: shared)]), by: owner)
        _ = try await w.services.match(API.MatchQuery(hashes: [.init(type: .pdq, value: far)]), by: other)

        let unstored = try await w.services.matchCounts(days: 3, by: owner).days
        #expect(unstored.map(\.day) == ["2026-11-29", "2026-11-30", "2026-12-01"])
        #expect(unstored.map(\.queries) == [0, 2, 1] && unstored.map(\.matched) == [0, 1, 1])

        try await w.services.storeMatchCounts()
        #expect(try await w.services.matchCounts(days: 3, by: owner).days == unstored, "stored counts are not counted twice")
        let rows = try await w.services.store.matchCounts(of: owner.organisationID, from: "2026-11-01")
        #expect(rows.map(\.queries) == [2, 1])

        // More matches the same day add to the stored row.
        _ = try await w.services.match(API.MatchQuery(hashes: [.init(type: .pdq, value: near)]), by: owner)
        try await w.services.storeMatchCounts()
        #expect(try await w.services.matchCounts(days: 1, by: owner).days.map(\.matched) == [2])
        #expect(try await w.services.matchCounts(days: 1, by: other).days.map { [$0.queries, $0.matched] } == [[1, 0]])

        await #expect(throws: ServiceError.self) { _ = try await w.services.matchCounts(days: 0, by: owner) }
        await #expect(throws: ServiceError.self) { _ = try await w.services.matchCounts(days: 400, by: owner) }
    }
}

/// A wall clock that moves only when told to.
final class StoppedClock: WallClock {
    private let date: Mutex<Date>

    init(_ date: Date) { self.date = Mutex(date) }

    func now() -> Date { date.withLock { $0 } }

    func advance(by interval: TimeInterval) { date.withLock { $0 += interval } }
}
