import Synchronization

/// Reads that many live streams make at the same moment, made once: two hundred streams
/// of one organisation woken by one commit asked the store the same question two hundred
/// times, and on SQLite's two threads the hub's writes queued behind them for tens of
/// seconds (`bench/load`).
///
/// A read is shared only within one generation: ``invalidate()`` starts a new one, and it is
/// called before each wake reaches the streams. A stream woken for a commit therefore
/// only joins a read that began after that commit's wake, which sees the commit.
final class SharedReads: Sendable {
    private struct State {
        var reads: [String: Task<any Sendable, any Error>] = [:]
    }

    private let state = Mutex(State())

    /// The result of `body` for `key`, joining a read of the same key already made in this generation.
    func read<Value: Sendable>(_ key: String, _ body: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let task = state.withLock { state in
            if let running = state.reads[key] { return running }
            let started = Task<any Sendable, any Error> { try await body() }
            state.reads[key] = started
            return started
        }
        guard let value = try await task.value as? Value else {
            preconditionFailure("SharedReads: key '\(key)' was read as two different types")
        }
        return value
    }

    /// Starts a new generation: reads from now on are made afresh.
    func invalidate() {
        state.withLock { $0.reads.removeAll() }
    }

    /// Reads of the current generation (for tests).
    var count: Int { state.withLock { $0.reads.count } }
}
