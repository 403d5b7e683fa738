import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOHTTP1
import Synchronization

/// The benchmark's listeners: platforms' live streams and webhook receivers on loopback,
/// and a second replica's mirror feed. Each records when each hash (and the activation)
/// reached it, by the hub's wall clock.
final class CrisisReceivers: Sendable {
    /// Arrival times by listener, then by hash value (`activated` for the activation).
    let arrivals = Mutex<[String: [String: Date]]>([:])

    func record(_ listener: String, _ what: String) {
        let now = Date()
        arrivals.withLock { $0[listener, default: [:]][what] = $0[listener]?[what] ?? now }
    }

    /// What an incident event says: `activated`, or the hashes it carries.
    func recordIncidentEvent(_ listener: String, json: Data) {
        guard let event = try? JSONSerialization.jsonObject(with: json) as? [String: Any], let kind = event["event"] as? String else { return }
        if kind == "incident-activated" { record(listener, "activated") }
        for hash in ((event["detail"] as? [String: Any])?["hashes"] as? [[String: Any]]) ?? [] {
            if let value = hash["value"] as? String { record(listener, value) }
        }
    }

    /// Waits until every listener has had every item, or `limit` has passed (what is still
    /// missing then is reported as missing, not waited for).
    func waitForArrivals(_ expected: [String: [String]], within limit: Duration = .seconds(10)) async throws {
        _ = try await Self.poll(within: limit) {
            self.arrivals.withLock { arrivals in
                expected.allSatisfy { listener, items in items.allSatisfy { arrivals[listener]?[$0] != nil } }
            }
        }
    }

    /// Checks `done` every 10 ms until it holds (true) or `limit` has passed (false).
    private static func poll(within limit: Duration, until done: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while !done() {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// A web server answering every webhook call with 200, recording it.
    func webhookServer(port: Int, logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        router.post("/hook/:n") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            self.recordIncidentEvent("webhook-\(context.parameters.get("n") ?? "")", json: Data(body.readableBytesView))
            return Response(status: .ok)
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
    }

    /// Live streams the hub has answered. The hub fixes a stream's starting point before it
    /// answers, so an event after that is never missed, however late the first byte comes.
    let openStreams = Mutex(0)

    /// A platform's live incident stream.
    func subscribe(_ base: String, listener: String, key: String) async throws {
        try await HubAPI(base: base, key: key).follow("/v1/incident-events/stream", opened: { self.openStreams.withLock { $0 += 1 } }) {
            self.recordIncidentEvent(listener, json: $0)
        }
    }

    /// Waits until `count` live streams are open, so the activation is sent only when every
    /// platform is listening; a fixed pause lost the race on a busy machine.
    func waitForStreams(_ count: Int, within limit: Duration = .seconds(30)) async throws {
        guard try await Self.poll(within: limit, until: { openStreams.withLock { $0 } >= count }) else {
            throw DrillStreamsNotOpen(open: openStreams.withLock { $0 }, expected: count)
        }
    }

    /// Why the replica's feed could not be followed, if it could not.
    let replicaFailure = Mutex<String?>(nil)

    /// A replica's feed of the incident collection, read with a member platform's `key`: a
    /// change there has reached its match index. Retried while the replica does not know the
    /// collection yet (404: it learns of it by notification), for up to 30 s; any other
    /// refusal is recorded in ``replicaFailure`` (a key that may not read the feed once made
    /// every hash "missing" while the retries loaded the hub).
    func mirror(_ base: String, collection: UUID, key: String) async throws {
        let start = ContinuousClock.now
        while true {
            do {
                return try await followFeed(base, collection: collection, key: key)
            } catch let refused as StreamRefused {
                guard refused.status == 404, ContinuousClock.now - start < .seconds(30) else {
                    replicaFailure.withLock { $0 = "the replica answered \(refused.status) to its feed of the incident's collection" }
                    return
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    private func followFeed(_ base: String, collection: UUID, key: String) async throws {
        try await HubAPI(base: base, key: key).follow("/v1/feed/stream?collection=\(collection)&since=0") { data in
            guard let change = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let value = (change["signal"] as? [String: Any])?["value"] as? String else { return }
            self.record("replica", value)
        }
    }
}

/// Some platforms' live streams did not open in time, so their latencies would be wrong.
struct DrillStreamsNotOpen: Error, CustomStringConvertible {
    var open: Int
    var expected: Int
    var description: String {
        "only \(open) of \(expected) platforms' incident streams opened within 30 s; is the hub overloaded or refusing streams (see its log)?"
    }
}
