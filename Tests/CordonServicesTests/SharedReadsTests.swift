@testable import CordonServices
import Synchronization
import Testing

/// Live streams woken together read the store once, and never a read older than their wake.
@Suite struct SharedReadsTests {
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    @Test func streamsAskingTheSameQuestionAtOnceShareOneRead() async throws {
        let reads = SharedReads(), made = Counter()
        let (gate, open) = AsyncStream.makeStream(of: Void.self)
        let answers = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    try await reads.read("org 7") { () async throws -> Int in
                        made.value.add(1, ordering: .relaxed)
                        for await _ in gate { break }  // held until every stream has asked
                        return 42
                    }
                }
            }
            while reads.count == 0 { await Task.yield() }
            try await Task.sleep(for: .milliseconds(50))
            open.yield()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers == Array(repeating: 42, count: 50))
        #expect(made.value.load(ordering: .relaxed) == 1)
        // Another organisation's question, or another cursor, is a read of its own.
        _ = try await reads.read("org 8") { made.value.add(1, ordering: .relaxed); return 1 }
        #expect(made.value.load(ordering: .relaxed) == 2)
    }

    @Test func aWakeStartsAFreshReadSoTheCommitBeforeItIsSeen() async throws {
        let signal = EventSignal(), stored = Counter()
        let read = { try await signal.reads.read("org 7 cursor 0") { stored.value.load(ordering: .relaxed) } }
        #expect(try await read() == 0)
        // A commit: until its wake, streams still share the read made before it...
        stored.value.store(1, ordering: .relaxed)
        #expect(try await read() == 0)
        // ...and once woken, they read again and see it.
        let woken = signal.subscribe()
        signal.wake()
        var wakes = woken.makeAsyncIterator()
        await wakes.next()
        #expect(try await read() == 1)
    }
}
