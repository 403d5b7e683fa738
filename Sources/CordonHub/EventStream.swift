import Hummingbird
import ServiceLifecycle

/// The loop behind every server-sent-event stream of the hub: `drain` writes whatever is
/// new, once at the start and again on each wake; a comment goes out every 15 s so idle
/// connections stay open and a gone client is noticed. Ends when `wakes` ends or on
/// graceful shutdown. Wakes carry nothing: `drain` reads from the store, so a slow client
/// never loses an event and never holds a backlog in memory.
enum EventStream {
    /// Where a stream starts: after the `Last-Event-ID` a reconnecting client sends, else
    /// after `?since=`, else after `newest()` (only what happens from now on).
    static func resumePoint(_ request: Request, newest: () async throws -> Int) async throws -> Int {
        if let lastEventID = request.headers[.lastEventID] {
            guard let cursor = Int(lastEventID), cursor >= 0 else {
                throw APIError.invalid("Last-Event-ID", "Last-Event-ID must be the id of an earlier event")
            }
            return cursor
        }
        if request.uri.queryParameters.get("since") != nil {
            return try Hub.intQuery(request, "since", default: 0, range: 0...Int.max)
        }
        return try await newest()
    }

    /// A stream of every item after `since`, read `pageSize` at a time by `page(after:)`
    /// and written as `event(item)` says (`id:` is the cursor the next read starts
    /// after), then of new items on each wake.
    static func response<Wake: Sendable, Item>(
        after since: Int, wakes: AsyncStream<Wake>, pageSize: Int,
        page: @escaping @Sendable (_ after: Int) async throws -> [Item],
        event: @escaping @Sendable (Item) throws -> (id: Int, kind: String, data: [UInt8])
    ) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                var cursor = since
                try await run(wakes: wakes, to: &writer) { writer in
                    var items: [Item]
                    repeat {
                        items = try await page(cursor)
                        var text = ""
                        for item in items {
                            let (id, kind, data) = try event(item)
                            text += Self.event(id: id, kind: kind, data: data)
                            cursor = id
                        }
                        if !text.isEmpty { try await writer.write(ByteBuffer(string: text)) }
                    } while items.count == pageSize
                }
                try await writer.finish(nil)
            })
    }

    static func run<Wake: Sendable>(
        wakes: AsyncStream<Wake>, to writer: inout any ResponseBodyWriter,
        drain: (inout any ResponseBodyWriter) async throws -> Void
    ) async throws {
        let (ticks, tick) = AsyncStream.makeStream(of: Bool.self, bufferingPolicy: .bufferingNewest(1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in wakes { tick.yield(true) }
                tick.finish()
            }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(15))
                    tick.yield(false)
                }
            }
            var wake = true
            var iterator = ticks.makeAsyncIterator()
            try await withGracefulShutdownHandler {
                repeat {
                    if wake {
                        try await drain(&writer)
                    } else {
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    }
                    guard let next = await iterator.next() else { break }
                    wake = next
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
