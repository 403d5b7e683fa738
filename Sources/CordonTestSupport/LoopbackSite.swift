import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// A web site on loopback for the URL checker to fetch and webhooks to post to: it records
/// each webhook call (path, signature and body) and answers as a test asks.
public final class LoopbackSite: Sendable {
    public struct Call: Sendable {
        public var path: String
        /// The `Cordon-Signature` header.
        public var signature: String
        public var body: [UInt8]

        /// The body as a JSON object.
        public var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] }
    }

    public let calls = Mutex<[Call]>([])
    /// Requests `/slow` has had; each is answered only after 20 s.
    public let slowRequests = Mutex<Int>(0)
    /// Status the `/hook-flaky` path answers with.
    public let flakyStatus = Mutex<Int>(500)

    public init() {}

    /// Serves the site on a free loopback port while `body` runs with that port.
    public func run(_ body: @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.get("/live") { _, _ in "the content is still here" }
        router.get("/gone") { _, _ in Response(status: .notFound) }
        router.get("/moved") { _, _ in Response(status: .found, headers: [.location: "/gone"]) }
        router.get("/loop") { _, _ in Response(status: .found, headers: [.location: "/loop"]) }
        // A host that takes its time, as one stalling the removal checker would.
        router.get("/slow") { _, _ -> String in
            self.slowRequests.withLock { $0 += 1 }
            try await Task.sleep(for: .seconds(20))
            return "the content is still here, eventually"
        }
        // An event stream whose server is slow to answer, as a hub under load can be.
        router.get("/slow-stream") { _, _ -> Response in
            try await Task.sleep(for: .seconds(2))
            return Response(status: .ok, headers: [.contentType: "text/event-stream"],
                            body: .init(byteBuffer: ByteBuffer(string: "id: 1\ndata: late\n\n")))
        }
        router.post("/:hook") { request, context -> Response in
            let data = try await request.body.collect(upTo: 1 << 20)
            let path = context.parameters.get("hook") ?? ""
            self.calls.withLock {
                $0.append(Call(path: path, signature: request.headers[HTTPField.Name("Cordon-Signature")!] ?? "",
                               body: Array(data.readableBytesView)))
            }
            // A subscriber that never answers in time (the sender gives up after 5 s).
            if path == "hook-silent" { try await Task.sleep(for: .seconds(6)) }
            return Response(status: path == "hook-flaky" ? .init(code: self.flakyStatus.withLock { $0 }) : .ok)
        }
        let (ports, port) = AsyncStream.makeStream(of: Int.self)
        let logger = Logger(label: "loopback-site")
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { port.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var next = ports.makeAsyncIterator()
            guard let served = await next.next() else { throw LoopbackSiteError() }
            do {
                try await body(served)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}

/// The loopback site stopped before it was listening.
struct LoopbackSiteError: Error, CustomStringConvertible {
    var description: String { "the loopback site stopped before it was listening" }
}
