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

    /// A platform's live incident stream.
    func subscribe(_ base: String, listener: String, key: String) async throws {
        try await HubAPI(base: base, key: key).follow("/v1/incident-events/stream") { self.recordIncidentEvent(listener, json: $0) }
    }

    /// A replica's feed of the incident collection: a change there has reached its match
    /// index. Retried until the replica knows the collection (it learns of it by notification).
    func mirror(_ base: String, collection: UUID, key: String) async throws {
        while true {
            do {
                return try await followFeed(base, collection: collection, key: key)
            } catch is StreamRefused {
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
