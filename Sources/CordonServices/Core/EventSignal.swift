import Foundation
import Synchronization

/// Wakes whoever reads a table of events when it may have grown (a local write, a
/// notification from another replica, a timer): live case and incident streams, and the
/// webhook sender. Readers read what is new from the store, so a wake carries nothing and
/// a missed one costs at most a tick.
final class EventSignal: Sendable {
    private let subscribers = Mutex<[UUID: AsyncStream<Void>.Continuation]>([:])
    /// What the woken readers read together (each wake starts a new generation).
    let reads = SharedReads()

    func wake() {
        reads.invalidate()
        subscribers.withLock { for subscriber in $0.values { subscriber.yield() } }
    }

    func subscribe() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }
}
