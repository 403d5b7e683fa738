import CordonStore
import Foundation
import Logging
import Synchronization

/// Follows the store's change log: applies every change to the ``SignalCatalog`` once, in
/// cursor order, and wakes live subscribers (server-sent events).
///
/// Called after each local write (before the response, so a client matches what it has
/// just submitted), on every notification from another replica, and on a timer as a
/// fallback. Concurrent calls are safe: a change is applied by whichever call gets it
/// first, and skipped by the others.
final class ChangeFollower: Sendable {
    private let store: HubStore
    private let catalog: SignalCatalog
    private let state: Mutex<State>

    private struct State {
        var cursor: Int
        var subscribers: [UUID: AsyncStream<Int>.Continuation] = [:]
    }

    init(store: HubStore, catalog: SignalCatalog, cursor: Int) {
        self.store = store
        self.catalog = catalog
        state = Mutex(State(cursor: cursor))
    }

    /// The cursor of the newest change applied.
    var cursor: Int { state.withLock { $0.cursor } }

    /// Applies every change committed so far.
    func catchUp() async throws {
        while true {
            let from = cursor
            let batch = try await store.changes(after: from, limit: 5000)
            guard !batch.isEmpty else { return }
            state.withLock { state in
                let before = state.cursor
                for change in batch where change.cursor > state.cursor {
                    catalog.apply(change.signal)
                    state.cursor = change.cursor
                }
                if state.cursor > before {
                    for subscriber in state.subscribers.values { subscriber.yield(state.cursor) }
                }
            }
            if batch.count < 5000 { return }
        }
    }

    /// The newest cursor each time changes are applied, from now on, until the stream is
    /// dropped. Only the latest is kept: a subscriber reads what it missed from the store,
    /// so a slow one never loses a change and never holds a backlog in memory.
    func subscribe() -> AsyncStream<Int> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        state.withLock { $0.subscribers[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }
}
