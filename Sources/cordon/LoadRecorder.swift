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
    /// When each watched item (a case id, or the first hash of a batch) was sent (its
    /// request's start), and when it arrived where.
    private let sent = Mutex<[Tagged: ContinuousClock.Instant]>([:])
    private let arrived = Mutex<[Tagged: [ContinuousClock.Instant]]>([:])
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

    /// `item` of `group` (`case` or `hash`) was sent at `instant`.
    func sent(_ item: String, of group: String, at instant: ContinuousClock.Instant) {
        sent.withLock { $0[Tagged(tag: group, item: item)] = instant }
    }

    /// An event on `channel` (a stream kind, or the webhook) about `item`; with
    /// `onlyIfSentAs`, the arrival is kept only for an item of that group whose sending was recorded.
    func arrived(_ channel: String, item: String?, onlyIfSentAs group: String? = nil) {
        let now = ContinuousClock.now
        events.withLock { $0[channel, default: 0] += 1 }
        guard let item, group.map({ group in sent.withLock { $0[Tagged(tag: group, item: item)] != nil } }) ?? true else { return }
        arrived.withLock { $0[Tagged(tag: channel, item: item), default: []].append(now) }
    }

    /// Milliseconds from sending to each arrival on `channel`, for the items of `group`
    /// (`case` or `hash`) sent while measuring.
    func lags(_ channel: String, of group: String, since start: ContinuousClock.Instant) -> [Double] {
        let sent = sent(group, from: start, to: .now + .seconds(3600))
        return arrived.withLock { arrived in
            sent.flatMap { item, at in arrived[Tagged(tag: channel, item: item)]?.map { ($0 - at).milliseconds } ?? [] }
        }
    }

    /// Arrivals on `channel` still missing for the items of `group` sent between `start` and
    /// `end`, each expected `copies` times.
    func missing(_ channel: String, of group: String, copies: Int, since start: ContinuousClock.Instant,
                 before end: ContinuousClock.Instant) -> Int {
        let sent = sent(group, from: start, to: end)
        return arrived.withLock { arrived in
            sent.keys.reduce(0) { $0 + max(0, copies - (arrived[Tagged(tag: channel, item: $1)]?.count ?? 0)) }
        }
    }

    private func sent(_ group: String, from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> [String: ContinuousClock.Instant] {
        sent.withLock { $0.filter { $0.key.tag == group && $0.value >= start && $0.value < end } }
            .reduce(into: [:]) { $0[$1.key.item] = $1.value }
    }

    /// An item (a case id, a hash) as sent in a group or seen on a channel.
    private struct Tagged: Hashable {
        var tag: String
        var item: String
    }

    var snapshot: [String: Kind] { kinds.withLock { $0 } }
    var errors: [String] { firstErrors.withLock { $0 } }
    func eventCount(_ channel: String) -> Int { events.withLock { $0[channel] ?? 0 } }
}
