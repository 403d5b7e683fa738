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
    /// What the woken live streams read together (each wake starts a new generation).
    let reads = SharedReads()

    private struct State {
        var cursor: Int
        var subscribers: [UUID: AsyncStream<Void>.Continuation] = [:]
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
            let batch = try await store.changes(after: cursor, limit: 5000)
            guard !batch.isEmpty else { return }
            apply(batch)
            if batch.count < 5000 { return }
        }
    }

    /// Applies changes this replica has just committed, without reading them back, when
    /// they follow on from the last one applied with no cursor skipped. Then catches up
    /// from the store, which reads nothing more in that case and everything in the
    /// others (another writer's changes came between, or none were given).
    func apply(committed changes: [SignalChange]) async throws {
        let follows = state.withLock { state in
            changes.enumerated().allSatisfy { $0.element.cursor == state.cursor + 1 + $0.offset }
        }
        if follows && !changes.isEmpty {
            apply(changes)
        }
        try await catchUp()
    }

    /// Applies the changes in `batch` past the cursor, in order, and wakes subscribers.
    private func apply(_ batch: [SignalChange]) {
        state.withLock { state in
            let fresh = batch.filter { $0.cursor > state.cursor }
            guard let last = fresh.last else { return }
            catalog.apply(fresh.map(\.signal))
            state.cursor = last.cursor
            reads.invalidate()
            for subscriber in state.subscribers.values { subscriber.yield() }
        }
    }

    /// A wake each time changes are applied, from now on, until the stream is dropped.
    /// Only one is kept: a subscriber reads what it missed from the store,
    /// so a slow one never loses a change and never holds a backlog in memory.
    func subscribe() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        state.withLock { $0.subscribers[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }
}
