import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A bare HTTP server on one loopback address, on a thread of its own: it answers every
/// connection with a fixed text, or with a body that trickles a byte at a time, and counts
/// the connections it accepted.
final class ScriptedServer: Sendable {
    enum Answer: Sendable {
        case text(String)
        case drip(every: Double)
    }

    let port: Int
    private let fd: Int32
    private let accepted = Mutex(0)
    private let stopped = Mutex(false)

    var connections: Int { accepted.withLock { $0 } }

    init(host: String, port: Int = 0, answer: Answer) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in
            while !stopped.withLock({ $0 }) {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }
                accepted.withLock { $0 += 1 }
                Thread.detachNewThread { [self] in serve(client, answer) }
            }
        }
    }

    private func serve(_ client: Int32, _ answer: Answer) {
        defer { close(client) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        _ = recv(client, &buffer, buffer.count, 0)
        func write(_ text: String) -> Bool {
            text.withCString { send(client, $0, strlen($0), Int32(MSG_NOSIGNAL)) } > 0
        }
        switch answer {
        case .text(let text):
            _ = write("HTTP/1.1 200 OK\r\nContent-Length: \(text.utf8.count)\r\nConnection: close\r\n\r\n\(text)")
        case .drip(let seconds):
            // Chunked, so no length tells the client to give up early.
            guard write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") else { return }
            for _ in 0..<20 where !stopped.withLock({ $0 }) {
                Thread.sleep(forTimeInterval: seconds)
                guard write("1\r\nx\r\n") else { return }
            }
            _ = write("0\r\n\r\n")
        }
    }

    func stop() {
        stopped.withLock { $0 = true }
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}
