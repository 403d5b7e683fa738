import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A server-sent-events client over real HTTP, as a dashboard or mirror would connect.
public struct EventStreamClient: Sendable {
    /// One event: `id:`, `event:` and the joined `data:` lines.
    public struct Event: Sendable, Hashable {
        public var id: String?
        public var event: String?
        public var data: String

        /// `data` parsed as a JSON object.
        public var json: [String: any Sendable] {
            ((try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: any Sendable]) ?? [:]
        }
    }

    /// Connects with `headers` and yields each event until `stop` says so, the server
    /// closes the stream, or `timeout` passes (tests must end). `timeout` counts from the
    /// server's answer: a loaded server gets a further `answerWithin` to send its headers.
    public static func collect(
        url: String, headers: [(String, String)], timeout: Duration = .seconds(20),
        answerWithin: Duration = .seconds(30), until stop: @escaping @Sendable ([Event]) -> Bool
    ) async throws -> (status: Int, events: [Event]) {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(
            request, timeout: .seconds(Int64((timeout + answerWithin).components.seconds)))
        guard response.status.code == 200 else { return (Int(response.status.code), []) }
        return try await withThrowingTaskGroup(of: [Event]?.self) { group in
            group.addTask {
                var events: [Event] = [], pending = ""
                for try await buffer in response.body {
                    pending += String(buffer: buffer)
                    while let end = pending.range(of: "\n\n") {
                        let block = String(pending[..<end.lowerBound])
                        pending = String(pending[end.upperBound...])
                        if let event = parse(block) { events.append(event) }
                    }
                    if stop(events) { return events }
                }
                return events
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return (200, first ?? [])
        }
    }

    /// One block of `field: value` lines; comments (`:`) alone make no event.
    static func parse(_ block: String) -> Event? {
        var event = Event(id: nil, event: nil, data: "")
        var dataLines: [String] = []
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) where !line.hasPrefix(":") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let field = line[..<colon]
            var value = line[line.index(after: colon)...]
            if value.hasPrefix(" ") { value = value.dropFirst() }
            switch field {
            case "id": event.id = String(value)
            case "event": event.event = String(value)
            case "data": dataLines.append(String(value))
            default: continue
            }
        }
        guard event.id != nil || event.event != nil || !dataLines.isEmpty else { return nil }
        event.data = dataLines.joined(separator: "\n")
        return event
    }
}
