import Synchronization

/// Lets one writer at a time through, in arrival order, without blocking a thread.
///
/// SQLite allows one writer; two deferred transactions that both read and then write can
/// fail with `SQLITE_BUSY` instead of waiting. Queuing the hub's own writers here avoids
/// that. On PostgreSQL the writers of each event table queue on a gate of their own before
/// taking a connection, so a replica never has more than one connection waiting on each
/// table lock (see ``HubDatabase``).
final class WriteGate: Sendable {
    private struct State {
        var busy = false
        var waiting: [CheckedContinuation<Void, Never>] = []
        var head = 0
    }

    private let state = Mutex(State())

    /// Runs `body` once every earlier caller is done with it.
    func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await enter()
        defer { leave() }
        return try await body()
    }

    private func enter() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let admitted = state.withLock { state -> Bool in
                if state.busy {
                    state.waiting.append(continuation)
                    return false
                }
                state.busy = true
                return true
            }
            if admitted { continuation.resume() }
        }
    }

    private func leave() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.head < state.waiting.count else {
                state.busy = false
                state.waiting.removeAll(keepingCapacity: true)
                state.head = 0
                return nil
            }
            defer { state.head += 1 }
            return state.waiting[state.head]
        }
        next?.resume()
    }
}
