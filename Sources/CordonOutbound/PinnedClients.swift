import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

/// HTTP clients that connect a host name only to the address the ``AddressPolicy``
/// approved. AsyncHTTPClient would otherwise resolve the name again itself, and a name
/// that answers a public address to the check and `127.0.0.1` a moment later (DNS
/// rebinding) would reach inside. Each host gets a client whose DNS is overridden to the
/// vetted address, so TLS still sees (and verifies) the name; a host whose address
/// changes gets a new client. A client replaced or pushed out is shut down once no request
/// can still be using it (every check and delivery ends within its total deadline).
public final class PinnedClients: Sendable {
    private struct Pinned {
        var address: String
        var client: HTTPClient
        var used: UInt64
    }

    private struct State {
        var pinned: [String: Pinned] = [:]
        /// Clients no longer handed out, with when they stopped being.
        var retired: [(client: HTTPClient, since: ContinuousClock.Instant)] = []
        var clock: UInt64 = 0
    }

    private let state = Mutex(State())
    /// Hosts kept at once; the least recently used client is retired past this.
    public let capacity: Int
    /// How long a retired client is kept before it is shut down: longer than any request.
    public let grace: Duration

    public init(capacity: Int = 256, grace: Duration = .seconds(60)) {
        self.capacity = capacity
        self.grace = grace
    }

    /// Clients retired and not yet shut down.
    var retiredCount: Int { state.withLock { $0.retired.count } }

    /// The client for `host` connecting to `address` only.
    public func client(host: String, address: String) -> HTTPClient {
        let now = ContinuousClock.now
        let (client, done) = state.withLock { state in
            let done = state.retired.filter { now - $0.since >= grace }.map(\.client)
            state.retired.removeAll { now - $0.since >= grace }
            state.clock += 1
            if var pinned = state.pinned[host], pinned.address == address {
                pinned.used = state.clock
                state.pinned[host] = pinned
                return (pinned.client, done)
            }
            if let old = state.pinned.removeValue(forKey: host) { state.retired.append((old.client, now)) }
            if state.pinned.count >= capacity, let oldest = state.pinned.min(by: { $0.value.used < $1.value.used }) {
                state.pinned[oldest.key] = nil
                state.retired.append((oldest.value.client, now))
            }
            let client = Self.makeClient(pinning: host, to: address)
            state.pinned[host] = Pinned(address: address, client: client, used: state.clock)
            return (client, done)
        }
        if !done.isEmpty {
            Task { for client in done { try? await client.shutdown() } }
        }
        return client
    }

    /// Shuts every client down (retired ones too: a request may still have been using one).
    public func shutdown() async {
        let clients = state.withLock { state in
            defer { state = State(clock: state.clock) }
            return state.pinned.values.map(\.client) + state.retired.map(\.client)
        }
        for client in clients { try? await client.shutdown() }
    }

    /// Never follows redirects on its own (the checker checks each hop); up to 64
    /// connections per host, so one slow receiver or a burst of alerts does not queue the
    /// rest behind AsyncHTTPClient's default of 8.
    static func makeClient(pinning host: String, to address: String) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10)))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.dnsOverride = [host: address]
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }
}

/// Runs `body` and gives up after `limit` in all: a server that answers one byte every
/// few seconds never trips a read timeout, and must not hold a check or a delivery for ever.
func withDeadline<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: Race<T>.self) { group in
        group.addTask { .finished(try await body()) }
        group.addTask {
            try await Task.sleep(for: limit)
            return .timedOut
        }
        defer { group.cancelAll() }
        guard case .finished(let value) = try await group.next() else {
            throw OutboundError.failed("no complete answer within \(limit.components.seconds) s")
        }
        return value
    }
}

private enum Race<T: Sendable>: Sendable {
    case finished(T)
    case timedOut
}
