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
/// flowing, and `advance(by:)` jumps it forward (tests, benchmarks, rehearsals).
public final class AdjustableWallClock: WallClock {
    private let offset = Mutex<TimeInterval>(0)

    public init(offset: TimeInterval = 0) {
        self.offset.withLock { $0 = offset }
    }

    public func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }

    /// Jumps the clock forward (or back, with a negative interval).
    public func advance(by interval: TimeInterval) {
        offset.withLock { $0 += interval }
    }

    /// Sets the clock so that it reads `date` now.
    public func set(to date: Date) {
        offset.withLock { $0 = date.timeIntervalSinceNow }
    }
}
