import CordonTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real `cordon serve` process on a free loopback port, stopped by ``stop()``.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    private(set) var port = 0
    /// Everything it printed up to "listening on" (and with `--demo`, up to the demo's banner).
    private(set) var banner = ""

    /// Starts `cordon serve ARGUMENTS --port 0` and waits (bounded: 60 s) until it listens
    /// (and with `--demo`, until it printed how to sign in).
    init(_ arguments: [String], command: String = "serve", ready: String? = nil) throws {
        // Niced, so a server a test loads heavily leaves the CPU to the timed tests beside it.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nice")
        process.arguments = ["-n", "10", CordonRunner.binary.path, command, "--port", "0"] + arguments
        let ready = ready ?? (arguments.contains("--demo") ? "Try: curl" : nil)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.runUnmasked()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            banner += String(decoding: chunk, as: UTF8.self)
            if let match = banner.firstMatch(of: /listening on 127\.0\.0\.1:(\d+)/), let port = Int(match.output.1),
               ready.map(banner.contains) ?? true {
                self.port = port
                break
            }
        }
        guard port > 0 else {
            stop()
            throw ServerProcessError(output: banner)
        }
        // Keep draining its output, so a chatty server never blocks on a full pipe.
        let handle = output.fileHandleForReading
        Thread { while !handle.availableData.isEmpty {} }.start()
    }

    /// Kills it at once (SIGKILL), as a power cut would.
    func kill() {
        guard process.isRunning else { return }
        _ = Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Asks it to shut down gracefully (SIGTERM) and waits; its exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    /// One JSON request to this server.
    func call(_ method: String, _ path: String, key: String?, json: Any? = nil, timeout: TimeInterval = 10) async throws -> (status: Int, body: Any?) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = timeout
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data))
    }
}

struct ServerProcessError: Error, CustomStringConvertible {
    var output: String
    var description: String { "cordon did not start listening; it printed:\n\(output)" }
}
