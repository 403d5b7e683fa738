import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The hub's JSON API from the command line: one key, one base address. A refusal
/// becomes a `ValidationError` carrying the hub's field and message, so the shell user
/// sees what to fix.
struct HubAPI: Sendable {
    let base: String
    let key: String

    /// One client for the process, with room for many live streams to one hub (the
    /// drill's benchmark holds one per simulated platform) beside ordinary calls.
    ///
    /// An idle connection is let go well before the hub's own idle timeout (30 s by
    /// default) closes it: a request sent on a connection the hub was closing at that
    /// moment failed with `remoteConnectionClosed` (twice in 150,000 under bench/load).
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(20), concurrentHTTP1ConnectionsPerHostSoftLimit: 1024)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    init(base: String, key: String) {
        self.base = base.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        self.key = key
    }

    /// The key given with `--key`, else `$CORDON_KEY`; `what` names it in the refusal.
    static func key(_ option: String?, what: String = "an API key of your organisation") throws -> String {
        guard let key = option ?? ProcessInfo.processInfo.environment["CORDON_KEY"], !key.isEmpty else {
            throw ValidationError("give \(what) with --key or the CORDON_KEY environment variable")
        }
        return key
    }

    /// The answer's text.
    func text(_ method: HTTPMethod, _ path: String, json: Any? = nil, headers: [(String, String)] = []) async throws -> String {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        }
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await Self.client.execute(request, timeout: .seconds(30))
            body = try await response.body.collect(upTo: 32 << 20)
        } catch {
            throw ValidationError("cannot reach the hub at \(base): \(error)")
        }
        let text = String(buffer: body)
        guard (200..<300).contains(Int(response.status.code)) else {
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            let detail = object?["error"] as? [String: Any]
            throw ValidationError("the hub refused \(method) \(path) (HTTP \(response.status.code)): "
                + ((detail?["field"] as? String).map { "\($0): " } ?? "") + ((detail?["message"] as? String) ?? text))
        }
        return text
    }

    /// The answer as a JSON object (empty for an empty answer).
    @discardableResult
    func object(_ method: HTTPMethod, _ path: String, json: Any? = nil, headers: [(String, String)] = []) async throws -> [String: Any] {
        let text = try await text(method, path, json: json, headers: headers)
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    /// The answer as a JSON array of objects.
    func array(_ method: HTTPMethod, _ path: String) async throws -> [[String: Any]] {
        let text = try await text(method, path)
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]) ?? []
    }

    /// Follows a server-sent-event stream until it ends or the task is cancelled, handing
    /// over each `data:` line.
    func follow(_ path: String, opened: @Sendable () -> Void = {}, _ handle: @Sendable (Data) -> Void) async throws {
        var request = HTTPClientRequest(url: base + path)
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        let response = try await Self.client.execute(request, timeout: .seconds(3600))
        guard response.status == .ok else { throw StreamRefused(status: Int(response.status.code)) }
        opened()
        var pending = ""
        for try await buffer in response.body {
            pending += String(buffer: buffer)
            while let end = pending.range(of: "\n\n") {
                let block = pending[..<end.lowerBound]
                pending = String(pending[end.upperBound...])
                for line in block.split(separator: "\n") where line.hasPrefix("data: ") { handle(Data(line.dropFirst(6).utf8)) }
            }
        }
    }
}

/// A stream the hub answered with something else than 200.
struct StreamRefused: Error {
    var status: Int
}
