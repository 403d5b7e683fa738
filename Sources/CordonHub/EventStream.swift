import Hummingbird
import ServiceLifecycle

/// The loop behind every server-sent-event stream of the hub: `drain` writes whatever is
/// new, once at the start and again on each wake; a comment goes out every 15 s so idle
/// connections stay open and a gone client is noticed. Ends when `wakes` ends or on
/// graceful shutdown. Wakes carry nothing: `drain` reads from the store, so a slow client
/// never loses an event and never holds a backlog in memory.
enum EventStream {
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
