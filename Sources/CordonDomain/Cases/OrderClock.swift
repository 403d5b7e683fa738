import Foundation

/// The one-hour clock of removal orders (Art. 3(3)): when the deadline falls, and when
/// the two sides are warned.
public struct OrderClock: Sendable, Hashable {
    /// From receipt to the deadline: one hour.
    public var window: TimeInterval
    /// An authority's first order to a platform comes with this much notice, unless it
    /// is flagged an emergency (Art. 3(2); 12 hours, unverified): the hour starts after it.
    public var firstOrderNotice: TimeInterval

    public init(window: TimeInterval = 3600, firstOrderNotice: TimeInterval = 12 * 3600) {
        self.window = window
        self.firstOrderNotice = firstOrderNotice
    }

    /// The deadline of an order received (or restarted) at `start`.
    public func deadline(from start: Date, firstOrder: Bool = false, emergency: Bool = false) -> Date {
        start.addingTimeInterval(window + (firstOrder && !emergency ? firstOrderNotice : 0))
    }

    /// The alert due at or before `now` that has not been sent, every alert now passed
    /// (to record as sent), and when the next one falls due. When several have passed
    /// (the hub was down), only the latest is due: a "15 minutes left" warning after a
    /// breach would mislead.
    public func alerts(deadline: Date, sent: Set<DeadlineAlert>, now: Date)
        -> (due: DeadlineAlert?, passed: Set<DeadlineAlert>, next: Date?)
    {
        let passed = DeadlineAlert.allCases.filter { deadline.addingTimeInterval(-$0.lead) <= now }
        let due = passed.last.flatMap { sent.contains($0) ? nil : $0 }
        let next = DeadlineAlert.allCases.first { !passed.contains($0) && !sent.contains($0) }
            .map { deadline.addingTimeInterval(-$0.lead) }
        return (due, sent.union(passed), next)
    }
}

/// The warnings both sides get as an order's deadline nears and passes.
public enum DeadlineAlert: String, Codable, Sendable, CaseIterable {
    case fifteenMinutes = "deadline-15-minutes"
    case fiveMinutes = "deadline-5-minutes"
    case breach = "deadline-breached"

    /// How long before the deadline it goes out.
    public var lead: TimeInterval {
        switch self {
        case .fifteenMinutes: 15 * 60
        case .fiveMinutes: 5 * 60
        case .breach: 0
        }
    }

    /// A bit per alert, for storage.
    public var bit: Int {
        switch self {
        case .fifteenMinutes: 1
        case .fiveMinutes: 2
        case .breach: 4
        }
    }

    public static func set(bits: Int) -> Set<DeadlineAlert> { Set(allCases.filter { bits & $0.bit != 0 }) }
    public static func bits(_ set: Set<DeadlineAlert>) -> Int { set.reduce(0) { $0 | $1.bit } }
}
