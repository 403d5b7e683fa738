import Foundation
import NIOHTTP1
import PDQ
import Synchronization

/// What `cordon bench load` makes on the hub before it starts: a platform with a
/// collection of `preload` hashes and keys for requests and streams, and a referral unit.
struct LoadSetup: Sendable {
    let hubs: [String]
    let platformID: String
    /// The platform's admin keys: the first for requests, each for 25 of the streams (the
    /// hub allows 32 per key).
    let platformKeys: [String]
    let unitKey: String
    let collection: String
    /// The stored hashes, as hex: matches look for near copies of them.
    let stored: [String]

    static func make(hubs: [String], operatorKey: String, preload: Int, streamKeys: Int) async throws -> LoadSetup {
        let hub = HubAPI(base: hubs[0], key: operatorKey)
        func organisation(_ name: String, _ kind: String) async throws -> String {
            try await hub.object(.POST, "/v1/organisations", json: ["name": "\(name) \(UUID().uuidString.prefix(8))", "kind": kind])["id"] as! String
        }
        func key(_ organisation: String) async throws -> String {
            try await hub.object(.POST, "/v1/organisations/\(organisation)/keys", json: ["role": "admin"])["secret"] as! String
        }
        let platform = try await organisation("Load platform", "platform")
        var platformKeys: [String] = []
        for _ in 0...max(1, streamKeys) { platformKeys.append(try await key(platform)) }
        let unitKey = try await key(try await organisation("Load unit", "referral-unit"))
        let owner = HubAPI(base: hubs[0], key: platformKeys[0])
        let collection = try await owner.object(.POST, "/v1/collections", json: ["name": "load \(UUID().uuidString.prefix(8))"])["id"] as! String
        var random = SystemRandomNumberGenerator()
        let stored = (0..<preload).map { _ in Self.randomHash(using: &random) }
        for start in stride(from: 0, to: stored.count, by: 10_000) {
            let batch = stored[start..<min(stored.count, start + 10_000)].map { ["type": "pdq", "value": $0] }
            try await owner.object(.POST, "/v1/collections/\(collection)/signals", json: ["signals": batch], headers: [("Prefer", "return=minimal")])
        }
        // Each replica learns of the collection by notification; wait until each matches a stored hash.
        for base in hubs {
            var matched = false
            for _ in 0..<600 where !matched {
                let reply = try await HubAPI(base: base, key: platformKeys[0]).object(.POST, "/v1/match", json: ["type": "pdq", "value": stored[0]])
                matched = !(((reply["results"] as? [[String: Any]])?.first?["matches"] as? [Any]) ?? []).isEmpty
                if !matched { try await Task.sleep(for: .milliseconds(100)) }
            }
            guard matched else { throw CommandFailure("\(base) did not match a stored hash within 60 s of the preload") }
        }
        return LoadSetup(hubs: hubs, platformID: platform, platformKeys: platformKeys, unitKey: unitKey, collection: collection, stored: stored)
    }

    /// A random PDQ hash's hex, from `random`.
    static func randomHash(using random: inout some RandomNumberGenerator) -> String {
        PDQHash(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })!.hex
    }

    func registerWebhook(port: Int) async throws {
        try await HubAPI(base: hubs[0], key: platformKeys[0])
            .object(.POST, "/v1/webhooks", json: ["url": "http://127.0.0.1:\(port)/hook", "events": ["case-received"]])
    }

    private static let valueKey = Data(#""value":""#.utf8)

    /// The 64 characters after the first `"value":"` of a feed change.
    static func value(in data: Data) -> String? {
        guard let range = data.range(of: valueKey), data.distance(from: range.upperBound, to: data.endIndex) >= 64 else { return nil }
        return String(decoding: data[range.upperBound..<data.index(range.upperBound, offsetBy: 64)], as: UTF8.self)
    }

    func hub(_ turn: Int) -> String { hubs[turn % hubs.count] }

    /// One stream in four follows the collection's feed (every hash shared, as a mirror
    /// does), the rest the platform's case events.
    static func channel(ofStream index: Int) -> String { index % 4 == 3 ? "feed-stream" : "case-stream" }

    func streamsFollowing(_ channel: String, of total: Int) -> Int {
        (0..<total).filter { Self.channel(ofStream: $0) == channel }.count
    }

    /// Holds stream `index` open until `end`, reconnecting (and counting an error) if it drops.
    func follow(stream index: Int, until end: ContinuousClock.Instant, recorder: LoadRecorder) async {
        let channel = Self.channel(ofStream: index)
        let api = HubAPI(base: hub(index), key: platformKeys[1 + index % (platformKeys.count - 1)])
        let path = channel == "case-stream" ? "/v1/case-events/stream" : "/v1/feed/stream?collection=\(collection)"
        while ContinuousClock.now < end {
            let started = ContinuousClock.now
            let dropped: String? = await withTaskGroup(of: String?.self) { group in
                group.addTask {
                    do {
                        try await api.follow(path) { data in
                            if channel == "feed-stream" {
                                // A thousand changes a second per stream: the value is read
                                // without parsing, and kept only if it is one being timed.
                                recorder.arrived(channel, item: Self.value(in: data), onlyIfSentAs: "hash")
                            } else {
                                let event = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
                                recorder.arrived(channel, item: event?["event"] as? String == "case-received" ? event?["caseID"] as? String : nil)
                            }
                        }
                        return "the stream ended"
                    } catch is CancellationError {
                        return nil
                    } catch {
                        return Task.isCancelled ? nil : "\(error)"
                    }
                }
                group.addTask {
                    try? await Task.sleep(until: end)
                    return nil
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first
            }
            guard let dropped, ContinuousClock.now < end else { return }
            recorder.record(channel, ContinuousClock.now - started, error: dropped)
            try? await Task.sleep(for: .milliseconds(200))
        }
    }
}
