import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PDQ
import Synchronization

/// The requests `cordon bench load` sends, each kind at a steady rate of its own, to the
/// hubs in turn. Every answer is checked: a near copy of a stored hash must match.
final class LoadWorkload: Sendable {
    let setup: LoadSetup
    let recorder: LoadRecorder
    let receiverPort: Int
    /// Requests of one kind in flight at most; past it the driver waits (and is late).
    static let inFlightLimit = 512
    private let feedCursors = Mutex<[Int]>(Array(repeating: 0, count: 64))

    init(setup: LoadSetup, recorder: LoadRecorder, receiverPort: Int) {
        self.setup = setup
        self.recorder = recorder
        self.receiverPort = receiverPort
    }

    private final class InFlight: Sendable {
        let count = Atomic<Int>(0)
    }

    /// Requests per second of each kind at `scale` times a large network's rate.
    func rates(scale: Double) -> [(kind: String, perSecond: Double)] {
        [("match", 100 * scale), ("submit", 0.2 * scale), ("feed", 3 * scale), ("refer", 0.2 * scale)]
    }

    func drive(_ kind: String, perSecond rate: Double, until end: ContinuousClock.Instant) async {
        let interval = Duration.seconds(1 / rate)
        let inFlight = InFlight()
        var next = ContinuousClock.now, index = 0
        await withDiscardingTaskGroup { group in
            while next < end {
                try? await Task.sleep(until: next)
                while inFlight.count.load(ordering: .relaxed) >= Self.inFlightLimit { try? await Task.sleep(for: .milliseconds(1)) }
                inFlight.count.add(1, ordering: .relaxed)
                let turn = index
                group.addTask {
                    await self.send(kind, turn)
                    inFlight.count.subtract(1, ordering: .relaxed)
                }
                index += 1
                next += interval
            }
        }
    }

    private func send(_ kind: String, _ turn: Int) async {
        let base = setup.hub(turn), key = setup.platformKeys[0]
        switch kind {
        case "match":
            // Half are near copies of a stored hash (up to 16 bits changed), half new images.
            let near = turn % 2 == 0
            let value = near ? Self.nearCopy(of: setup.stored[Int.random(in: 0..<setup.stored.count)]) : Self.randomHash()
            // The body written as text: JSONSerialization was 8 % of the driver's time, on
            // the two cores it shares with the hubs it measures.
            await call(kind, .POST, base, "/v1/match", key: key, body: #"{"type":"pdq","value":"\#(value)"}"#) { reply in
                // Read without parsing: the driver shares the hub's two cores.
                guard reply.range(of: Self.matchesKey) != nil else { return "no matches in the answer" }
                return near && reply.range(of: Self.noMatches) != nil ? "a near copy of a stored hash found no match" : nil
            }
        case "submit":
            let values = (0..<25).map { _ in Self.randomHash() }
            recorder.sent(values[0], of: "hash", at: .now)
            await call(kind, .POST, base, "/v1/collections/\(setup.collection)/signals", key: key,
                       json: ["signals": values.map { ["type": "pdq", "value": $0] }], headers: [("Prefer", "return=minimal")])
        case "feed":
            let reader = turn % 64
            let since = feedCursors.withLock { $0[reader] }
            await call(kind, .GET, base, "/v1/feed?collection=\(setup.collection)&since=\(since)&limit=1000", key: key) { reply in
                guard let next = Self.integer(after: Self.nextKey, in: reply) else { return "no next cursor in the answer" }
                self.feedCursors.withLock { $0[reader] = max($0[reader], next) }
                return nil
            }
        default:
            let started = ContinuousClock.now
            var caseID: String?
            await call("refer", .POST, base, "/v1/referrals", key: setup.unitKey, json: [
                "platform": setup.platformID, "statement": "Recruitment video (load test)",
                "urls": ["http://127.0.0.1:\(receiverPort)/content/\(UUID().uuidString.lowercased())"],
            ]) { reply in
                caseID = (try? JSONSerialization.jsonObject(with: reply) as? [String: Any])?["id"] as? String
                return caseID == nil ? "no case id in the answer" : nil
            }
            guard let caseID else { return }
            recorder.sent(caseID, of: "case", at: started)
            await call("confirm-removal", .POST, setup.hub(turn + 1), "/v1/cases/\(caseID)/actions", key: key,
                       json: ["action": "confirm-removal"])
        }
    }

    /// One request, timed and recorded; `check` may find fault with a 2xx answer. The body is
    /// `json` serialised, or `body` as it is.
    private func call(_ kind: String, _ method: HTTPMethod, _ base: String, _ path: String, key: String, json: Any? = nil,
                      body: String? = nil, headers: [(String, String)] = [], check: (Data) -> String? = { _ in nil }) async {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let data = body.map({ Data($0.utf8) }) ?? json.flatMap({ try? JSONSerialization.data(withJSONObject: $0) }) {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: data))
        }
        let started = ContinuousClock.now
        var problem: String?
        do {
            let response = try await HubAPI.client.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 16 << 20)
            problem = (200..<300).contains(Int(response.status.code))
                ? check(Data(body.readableBytesView)) : "HTTP \(response.status.code): \(String(buffer: body).prefix(200))"
        } catch {
            problem = "\(error)"
        }
        recorder.record(kind, ContinuousClock.now - started, error: problem)
    }

    private static let matchesKey = Data(#""matches":"#.utf8), noMatches = Data(#""matches":[]"#.utf8)
    private static let nextKey = Data(#""next":"#.utf8)

    /// The integer after `key` in a JSON text.
    static func integer(after key: Data, in data: Data) -> Int? {
        guard let range = data.range(of: key) else { return nil }
        let digits = data[range.upperBound...].prefix { (0x30...0x39).contains($0) }
        return Int(String(decoding: digits, as: UTF8.self))
    }

    static func randomHash() -> String {
        var random = SystemRandomNumberGenerator()
        return LoadSetup.randomHash(using: &random)
    }

    /// `hex` with up to 16 of its 256 bits flipped: within PDQ's match distance of 31.
    static func nearCopy(of hex: String) -> String {
        var bytes = PDQHash(hex: hex)!.bytes
        for _ in 0..<Int.random(in: 0...16) {
            let bit = Int.random(in: 0..<256)
            bytes[bit / 8] ^= 1 << (bit % 8)
        }
        return PDQHash(bytes: bytes)!.hex
    }
}
