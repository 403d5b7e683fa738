import Foundation
import Synchronization

/// What `cordon bench load` saw: each kind of request's latencies and errors, and when
/// each watched case or hash reached a stream or a webhook.
final class LoadRecorder: Sendable {
    struct Kind: Sendable {
        var latencies: [Double] = []
        var requests = 0
        var errors = 0
    }

    private let kinds = Mutex<[String: Kind]>([:])
    private let firstErrors = Mutex<[String]>([])
    /// When each watched item was sent (the request's start), and when it arrived where.
    private let sent = Mutex<[String: ContinuousClock.Instant]>([:])
    private let arrived = Mutex<[String: [ContinuousClock.Instant]]>([:])
    private let events = Mutex<[String: Int]>([:])
    /// Latencies count from the end of the warm-up; errors always count.
    let measuring = Atomic<Bool>(false)

    func record(_ kind: String, _ elapsed: Duration, error: String?) {
        let measured = measuring.load(ordering: .relaxed)
        kinds.withLock {
            $0[kind, default: Kind()].requests += 1
            if error != nil { $0[kind, default: Kind()].errors += 1 }
            if measured, error == nil { $0[kind, default: Kind()].latencies.append(elapsed.milliseconds) }
        }
        if let error {
            firstErrors.withLock { if $0.count < 20 { $0.append("\(kind): \(error)") } }
        }
    }

    func sent(_ item: String, at instant: ContinuousClock.Instant) {
        sent.withLock { $0[item] = instant }
    }

    /// An event on `channel` (a stream kind, or the webhook) about `item`; with
    /// `onlyIfSent`, the arrival is kept only for an item whose sending was recorded.
    func arrived(_ channel: String, item: String?, onlyIfSent: Bool = false) {
        let now = ContinuousClock.now
        events.withLock { $0[channel, default: 0] += 1 }
        guard let item, !onlyIfSent || sent.withLock({ $0[item] != nil }) else { return }
        arrived.withLock { $0["\(channel) \(item)", default: []].append(now) }
    }

    /// Milliseconds from sending to each arrival on `channel`, for items sent while measuring.
    func lags(_ channel: String, since start: ContinuousClock.Instant) -> [Double] {
        let sent = sent.withLock { $0 }
        return arrived.withLock { arrived in
            sent.compactMap { item, at -> [Double]? in
                guard at >= start else { return nil }
                return arrived["\(channel) \(item)"]?.map { ($0 - at).milliseconds }
            }.flatMap { $0 }
        }
    }

    /// Watched items sent while measuring that never arrived on `channel` (expected `copies` times).
    func missing(_ channel: String, copies: Int, since start: ContinuousClock.Instant, before end: ContinuousClock.Instant) -> Int {
        let sent = sent.withLock { $0 }
        return arrived.withLock { arrived in
            sent.filter { $0.value >= start && $0.value < end }.reduce(0) { $0 + max(0, copies - (arrived["\(channel) \($1.key)"]?.count ?? 0)) }
        }
    }

    var snapshot: [String: Kind] { kinds.withLock { $0 } }
    var errors: [String] { firstErrors.withLock { $0 } }
    func eventCount(_ channel: String) -> Int { events.withLock { $0[channel] ?? 0 } }
}
