import CordonDomain
import CordonServices
import Foundation
import Hummingbird
import ServiceLifecycle

/// Serves a ``LiveStream`` as server-sent events: whatever is new is written once at the
/// start and again on each wake; twice a second the stream asks whether the caller may still
/// read it (and ends if not: a revoked key, a suspended organisation, a membership ended);
/// a comment goes out every 5 s so idle connections stay open and a gone client is
/// noticed (and its place in the key's stream quota given back). Ends on graceful
/// shutdown. Wakes carry nothing: pages are read from the store, so a slow client never
/// loses an event and never holds a backlog in memory.
public enum EventStream {
    /// Where a stream starts: after the `Last-Event-ID` a reconnecting client sends, else
    /// after `?since=`, else after `newest()` (only what happens from now on).
    static func resumePoint(_ request: Request, newest: () async throws -> Int) async throws -> Int {
        if let lastEventID = request.headers[.lastEventID] {
            guard let cursor = EventCursor.parse(lastEventID) else {
                throw ServiceError.invalid("Last-Event-ID", "Last-Event-ID must be the id of an earlier event")
            }
            return cursor
        }
        if request.uri.queryParameters.get("since") != nil {
            return try Hub.intQuery(request, "since", default: 0, range: 0...Int.max)
        }
        return try await newest()
    }

    public static func response<Item: Encodable>(_ stream: LiveStream<Item>, request: Request, encoder: JSONEncoder) async throws -> Response {
        let since = try await resumePoint(request, newest: stream.newest)
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                var cursor = since
                try await run(wakes: stream.wakes, isAllowed: stream.isAllowed, to: &writer) { writer in
                    var count = 0
                    repeat {
                        // Encoded once for every stream woken with this one at this cursor.
                        let page = try await stream.rendered(after: cursor, as: "server-sent events") { items in
                            var text = ""
                            for item in items {
                                text += Self.event(id: stream.cursor(item), kind: stream.kind(item), data: Array(try encoder.encode(item)))
                            }
                            return (text: text, last: items.last.map(stream.cursor), count: items.count)
                        }
                        if let last = page.last { cursor = last }
                        count = page.count
                        if !page.text.isEmpty { try await writer.write(ByteBuffer(string: page.text)) }
                    } while count == stream.pageSize
                }
                try await writer.finish(nil)
            })
    }

    private enum Tick { case wake, check }

    static func run(
        wakes: AsyncStream<Void>, isAllowed: @escaping @Sendable () -> Bool, to writer: inout any ResponseBodyWriter,
        drain: (inout any ResponseBodyWriter) async throws -> Void
    ) async throws {
        let (ticks, tick) = AsyncStream.makeStream(of: Tick.self, bufferingPolicy: .bufferingNewest(2))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in wakes { tick.yield(.wake) }
                tick.finish()
            }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: .milliseconds(500))
                    tick.yield(.check)
                }
            }
            var next = Tick.wake
            var quiet = 0
            var iterator = ticks.makeAsyncIterator()
            try await withGracefulShutdownHandler {
                repeat {
                    guard isAllowed() else {
                        try await writer.write(ByteBuffer(string: "event: revoked\ndata: {\"message\":\"this key no longer has access\"}\n\n"))
                        break
                    }
                    switch next {
                    case .wake:
                        try await drain(&writer)
                    case .check:
                        quiet += 1
                        if quiet % 10 == 0 { try await writer.write(ByteBuffer(string: ": keep-alive\n\n")) }
                    }
                    guard let tick = await iterator.next() else { break }
                    next = tick
                } while !Task.isCancelled
            } onGracefulShutdown: {
                tick.finish()
            }
            group.cancelAll()
        }
    }

    /// One event in the wire format.
    static func event(id: Int, kind: String, data: [UInt8]) -> String {
        "id: \(id)\nevent: \(kind)\ndata: \(String(decoding: data, as: UTF8.self))\n\n"
    }
}
