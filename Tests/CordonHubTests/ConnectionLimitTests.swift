import CordonDomain
import CordonServices
import CordonStore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What one client can hold of the hub (review finding F12): a silent or trickling
/// connection is closed, and one key cannot open live streams without end.
@Suite struct ConnectionLimitTests {
    @Test func anIdleOrStalledConnectionIsClosed() async throws {
        var configuration = HubConfiguration()
        configuration.connections.idleTimeout = .seconds(1)
        let f = try await HubFixture.make(configuration: configuration)
        try await f.withServer { c in
            let port = try #require(c.port)
            // Nothing sent at all; half a request head, then nothing.
            for opening in ["", "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"] {
                let socket = try RawConnection(port: port)
                defer { socket.close() }
                socket.send(opening)
                #expect(try await socket.waitForClose(seconds: 10), "still open 10 s after '\(opening.prefix(10))' with a 1 s idle timeout")
            }
            // A request that keeps coming is answered.
            let socket = try RawConnection(port: port)
            defer { socket.close() }
            socket.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            #expect(try await socket.readHead(seconds: 10).hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test func oneKeyHoldsABoundedNumberOfLiveStreams() async throws {
        var configuration = HubConfiguration()
        configuration.connections.streamsPerKey = 3
        let f = try await HubFixture.make(configuration: configuration)
        try await f.withServer { c in
            let port = try #require(c.port)
            @Sendable func openStream(_ key: String) async throws -> (RawConnection, String) {
                let socket = try RawConnection(port: port)
                socket.send("GET /v1/feed/stream?collection=\(f.collection) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(key)\r\n\r\n")
                return (socket, try await socket.readHead(seconds: 10))
            }
            var open: [RawConnection] = []
            for _ in 0..<3 {
                let (socket, head) = try await openStream(f.adminKey)
                #expect(head.hasPrefix("HTTP/1.1 200"), "\(head)")
                open.append(socket)
            }
            let (refused, head) = try await openStream(f.adminKey)
            refused.close()
            #expect(head.hasPrefix("HTTP/1.1 429") && head.contains("\"field\":\"stream\""), "\(head)")
            // Another key is not held back by this one.
            let other = try await f.store.createKey(organisationID: f.alpha, role: .consumer, label: "other", by: nil).1
            let (otherSocket, otherHead) = try await openStream(other)
            otherSocket.close()
            #expect(otherHead.hasPrefix("HTTP/1.1 200"), "\(otherHead)")
            // A closed stream gives its place back (noticed at the latest at its next keep-alive).
            open.removeFirst().close()
            #expect(try await eventually(within: 40) {
                let (socket, head) = try await openStream(f.adminKey)
                socket.close()
                return head.hasPrefix("HTTP/1.1 200")
            })
            open.forEach { $0.close() }
        }
    }
}

/// A plain TCP connection to the hub on loopback, for what an HTTP client will not do:
/// send half a request, or nothing, and watch what the server does.
final class RawConnection: @unchecked Sendable {
    private let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { Glibc.close(fd); throw POSIXError(.ECONNREFUSED) }
    }

    func send(_ text: String) {
        guard !text.isEmpty else { return }
        _ = text.withCString { Glibc.send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until the end of the response head (and what came with it), or `seconds`.
    func readHead(seconds: Int) async throws -> String {
        var received: [UInt8] = []
        let end = Date().addingTimeInterval(Double(seconds))
        while Date() < end {
            guard let chunk = read() else { try await Task.sleep(for: .milliseconds(20)); continue }
            if chunk.isEmpty { break }
            received += chunk
            let text = String(decoding: received, as: UTF8.self)
            // A stream's head comes alone; a refusal's with its body.
            if let head = text.range(of: "\r\n\r\n"), text.hasPrefix("HTTP/1.1 200") || !text[head.upperBound...].isEmpty { return text }
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Whether the server closes the connection within `seconds`.
    func waitForClose(seconds: Int) async throws -> Bool {
        let end = Date().addingTimeInterval(Double(seconds))
        while Date() < end {
            if let chunk = read(), chunk.isEmpty { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Bytes waiting now; empty at end of stream, nil if none. Never blocks: the tests'
    /// threads are the server's too.
    private func read() -> [UInt8]? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 0) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count <= 0 ? [] : Array(buffer.prefix(count))
    }

    func close() { Glibc.close(fd) }
}
