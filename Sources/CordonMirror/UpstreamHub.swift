import AsyncHTTPClient
import CordonDomain
import CordonServices
import CordonStore
import Foundation
import NIOCore
import NIOHTTP1

/// The upstream hub as a mirror reads it, with the mirror's key there: the collections it
/// may copy, pages of their feeds, and the live feed (server-sent events).
public struct UpstreamHub: Sendable {
    public let base: String
    let key: String
    let client: HTTPClient

    public init(base: String, key: String, client: HTTPClient = .shared) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.key = key
        self.client = client
    }

    /// Every collection the key may read at the hub, asked for at most `timeout`: the HTTP
    /// client keeps trying to connect to a hub that refuses until then.
    public func collections(timeout: Duration = .seconds(60)) async throws -> [API.CollectionOut] {
        try Self.decoder.decode([API.CollectionOut].self, fromUntrusted: Data(try await get("/v1/collections", timeout: timeout).readableBytesView))
    }

    /// Up to `limit` changes of `collection` after `since`.
    public func feed(of collection: UUID, since: Int, limit: Int) async throws -> API.FeedPage {
        let body = try await get("/v1/feed?collection=\(collection)&since=\(since)&limit=\(limit)")
        return try await Self.decoded { try API.FeedPage(json: Array(body.readableBytesView)) }
    }

    /// A page of the first copy of `collection`: up to `limit` signals after id `after`.
    public func snapshot(of collection: UUID, after: Int, limit: Int) async throws -> API.SignalSnapshot {
        let body = try await get("/v1/feed/snapshot?collection=\(collection)&after=\(after)&limit=\(limit)")
        return try await Self.decoded { try API.SignalSnapshot(json: Array(body.readableBytesView)) }
    }

    /// Reads a page on a thread of its own. Tasks stay on the event loop they started on
    /// (the loops are the concurrency executor), so a page read in the task that fetches
    /// it would share one core with the one being stored instead of using the other.
    private static func decoded<T: Sendable>(_ read: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            decoding.async { continuation.resume(with: Result(catching: read)) }
        }
    }

    private static let decoding = DispatchQueue(label: "cordon.upstream-decoding")

    /// Follows the live feed of `collection` from `since`, handing over the changes as they
    /// arrive, a network read's worth at a time; returns when the hub ends the stream.
    public func follow(_ collection: UUID, since: Int,
                       _ receive: @Sendable ([API.FeedPage.Change]) async throws -> Void) async throws {
        var request = HTTPClientRequest(url: base + "/v1/feed/stream?collection=\(collection)&since=\(since)")
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        let response = try await client.execute(request, timeout: .hours(24 * 365))
        guard response.status == .ok else { throw try await UpstreamError(response, request.url) }
        var parser = EventStreamParser()
        for try await chunk in response.body {
            let events = parser.feed(chunk)
            if events.contains(where: { $0.event == "revoked" }) {
                throw UpstreamError(status: 403, message: "the hub revoked the mirror's access to collection \(collection)")
            }
            let changes = try events.filter { $0.event != "revoked" && !$0.data.isEmpty }.map {
                try API.FeedPage.Change(json: Array($0.data.utf8))
            }
            if !changes.isEmpty { try await receive(changes) }
        }
    }

    /// Gives the hub `kind` of feedback on signal `id`, as this mirror's platform, with
    /// the match's distance where the case had one.
    public func giveFeedback(_ kind: FeedbackKind, on id: Int, distance: Int? = nil) async throws {
        var request = HTTPClientRequest(url: base + "/v1/signals/\(id)/feedback")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Content-Type", value: "application/json")
        let comment = switch kind {
        case .appealed: "a user appealed the removal"
        case .reinstated: "reinstated after the user's appeal"
        default: "decided on a mirror's review queue"
        }
        let distanceField = distance.map { #","distance":\#($0)"# } ?? ""
        request.body = .bytes(ByteBuffer(string: #"{"kind":"\#(kind.rawValue)","comment":"\#(comment)"\#(distanceField)}"#))
        let response = try await client.execute(request, timeout: .seconds(30))
        guard (200..<300).contains(Int(response.status.code)) else { throw try await UpstreamError(response, request.url) }
        _ = try await response.body.collect(upTo: 1 << 20)
    }

    /// The hub's campaign registry, as this mirror's platform sees it.
    public func campaigns() async throws -> [Campaign] {
        try Self.decoder.decode([Campaign].self, fromUntrusted: Data(try await get("/v1/campaigns", timeout: .seconds(30)).readableBytesView))
    }

    private func get(_ path: String, timeout: Duration = .seconds(60)) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: base + path)
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        let response = try await client.execute(request, timeout: .init(timeout))
        guard response.status == .ok else { throw try await UpstreamError(response, request.url) }
        return try await response.body.collect(upTo: 256 << 20)
    }

    /// The hub's JSON: times in ISO 8601 with milliseconds.
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = HubStore.date(iso: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an ISO 8601 time: \(text)"))
            }
            return date
        }
        return decoder
    }()
}

/// The hub refused a request, or answered something other than what was asked.
public struct UpstreamError: Error, CustomStringConvertible {
    public var status: Int
    public var message: String

    init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    init(_ response: HTTPClientResponse, _ url: String) async throws {
        let body = try await response.body.collect(upTo: 1 << 16)
        let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        let reason = (object?["error"] as? [String: Any])?["message"] as? String ?? object?["message"] as? String
        self.init(status: Int(response.status.code), message: "\(url): \(response.status.code) \(reason ?? String(buffer: body))")
    }

    public var description: String { "the hub answered \(message)" }
}

/// Server-sent events from bytes as they arrive: an event ends at a blank line.
struct EventStreamParser {
    struct Event {
        var id: String?
        var event = "message"
        var data = ""
    }

    private var pending = ""
    private var current = Event()

    mutating func feed(_ buffer: ByteBuffer) -> [Event] {
        pending += String(buffer: buffer)
        var events: [Event] = []
        while let newline = pending.firstIndex(of: "\n") {
            let line = pending[..<newline].trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            pending = String(pending[pending.index(after: newline)...])
            if line.isEmpty {
                if current.id != nil || !current.data.isEmpty { events.append(current) }
                current = Event()
            } else if line.hasPrefix(":") {
                continue
            } else {
                let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let field = String(parts[0])
                var value = parts.count > 1 ? String(parts[1]) : ""
                if value.hasPrefix(" ") { value.removeFirst() }
                switch field {
                case "id": current.id = value
                case "event": current.event = value
                case "data": current.data += current.data.isEmpty ? value : "\n" + value
                default: break
                }
            }
        }
        return events
    }
}
