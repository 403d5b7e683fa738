import Foundation
import Synchronization

/// Where the referral desk reads the time. Deadlines, alerts, checks and purges all ask
/// a `WallClock`, so tests and drills can move time instead of waiting for it.
public protocol WallClock: Sendable {
    func now() -> Date
}

/// The system's time.
public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// The system's time moved by an offset that can be changed while it runs: time keeps
/// flowing (unless the clock is made `frozen`), and `advance(by:)` jumps it forward
/// (tests, benchmarks, rehearsals).
public final class AdjustableWallClock: WallClock {
    private struct State {
        var offset: TimeInterval
        /// When set, the clock reads this plus the offset: time moves only when advanced.
        var stoppedAt: Date?
    }
    private let state: Mutex<State>

    /// A clock `offset` seconds ahead of the system's; a `frozen` one stands still until
    /// advanced, so a test decides exactly when each deadline or retry falls due.
    public init(offset: TimeInterval = 0, frozen: Bool = false) {
        state = Mutex(State(offset: offset, stoppedAt: frozen ? Date() : nil))
    }

    public func now() -> Date {
        state.withLock { ($0.stoppedAt ?? Date()).addingTimeInterval($0.offset) }
    }

    /// Jumps the clock forward (or back, with a negative interval).
    public func advance(by interval: TimeInterval) {
        state.withLock { $0.offset += interval }
    }

    /// Sets the clock so that it reads `date` now.
    public func set(to date: Date) {
        state.withLock { $0.offset = date.timeIntervalSince($0.stoppedAt ?? Date()) }
    }
}
