import Foundation
import Synchronization

/// Failed sign-ins per email and per address in a sliding window: past the limit, further
/// attempts are refused without checking the password until the window has moved on, so a
/// password cannot be guessed faster than `limit` tries a `window`. An address (which many
/// people share behind one proxy) may fail five times as often as one email.
final class SignInThrottle: Sendable {
    private let failures = Mutex<[String: [Date]]>([:])
    let limit: Int
    let window: TimeInterval

    init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// When the next attempt for any of `subjects` may be made, if it may not be now.
    func blockedUntil(_ subjects: [String], now: Date) -> Date? {
        failures.withLock { failures in
            subjects.compactMap { subject -> Date? in
                let recent = (failures[subject] ?? []).filter { now.timeIntervalSince($0) < window }
                failures[subject] = recent.isEmpty ? nil : recent
                let limit = subject.hasPrefix("address:") ? self.limit * 5 : self.limit
                guard recent.count >= limit else { return nil }
                return recent[recent.count - limit].addingTimeInterval(window)
            }.max()
        }
    }

    func failed(_ subjects: [String], now: Date) {
        failures.withLock { failures in
            for subject in subjects { failures[subject, default: []].append(now) }
        }
    }

    func succeeded(_ subject: String) {
        _ = failures.withLock { $0.removeValue(forKey: subject) }
    }
}
