import CordonDomain
@testable import CordonServices
import Foundation
import Synchronization
import Testing

/// The match path's shelf of campaigns reads the store once however many requests ask
/// together, and never shelves what was read before a write here.
@Suite struct CampaignShelfTests {
    /// A shelf whose every read is numbered (in a member state) and waits for `release`.
    struct Reads: Sendable {
        final class Count: Sendable {
            let atomic = Atomic(0)
            var value: Int { atomic.load(ordering: .relaxed) }
            func next() -> Int { atomic.add(1, ordering: .relaxed).newValue }
        }

        let count = Count()
        let shelf: CampaignShelf
        let release: AsyncStream<Void>.Continuation
        static let organisation = UUID()

        init() {
            let (gate, release) = AsyncStream.makeStream(of: Void.self)
            let count = count
            shelf = CampaignShelf {
                let n = count.next()
                for await _ in gate { break }
                return ([], [Self.organisation: "read \(n)"])
            }
            self.release = release
        }

        func waitForRead(_ n: Int) async {
            while count.value < n { await Task.yield() }
        }
    }

    @Test func manyCallersAtOnceShareOneRead() async throws {
        let reads = Reads()
        let answers = Task {
            try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<200 { group.addTask { try await reads.shelf.current().memberStates[Reads.organisation] } }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
        }
        let started = ContinuousClock.now
        await reads.waitForRead(1)
        try await Task.sleep(for: .milliseconds(100))
        reads.release.yield()
        #expect(Set(try await answers.value) == ["read 1"])
        // A read that ends more than freshFor after it began is already stale, and the next
        // look refreshes it (a CI run stalled that long): one more read then, never one per caller.
        let shared = ContinuousClock.now - started < CampaignShelf.freshFor ? 1 : 2
        #expect(reads.count.value <= shared, "\(reads.count.value) reads for 200 callers")
    }

    @Test func aReadThatStartedBeforeAnInvalidationIsNotShelved() async throws {
        let reads = Reads()
        let first = Task { try await reads.shelf.current().memberStates[Reads.organisation] }
        await reads.waitForRead(1)
        // A write here while the first read is out: what it read may predate the write.
        reads.shelf.invalidate()
        let second = Task { try await reads.shelf.current().memberStates[Reads.organisation] }
        await reads.waitForRead(2)
        reads.release.yield()
        reads.release.yield()
        #expect(try await first.value == "read 2")
        #expect(try await second.value == "read 2")
    }

    @Test func anAgedShelfAnswersAtOnceWhileOneReadRefreshesIt() async throws {
        let reads = Reads()
        let first = Task { try await reads.shelf.current() }
        await reads.waitForRead(1)
        reads.release.yield()
        _ = try await first.value
        try await Task.sleep(for: CampaignShelf.freshFor + .milliseconds(100))
        // The refresh waits for `release`; callers meanwhile get the first read.
        #expect(try await reads.shelf.current().memberStates[Reads.organisation] == "read 1")
        await reads.waitForRead(2)
        for _ in 0..<50 { #expect(try await reads.shelf.current().memberStates[Reads.organisation] == "read 1") }
        #expect(reads.count.value == 2)
        reads.release.yield()
        while try await reads.shelf.current().memberStates[Reads.organisation] != "read 2" { await Task.yield() }
    }
}
