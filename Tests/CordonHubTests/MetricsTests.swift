import CordonTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// `/metrics` in Prometheus's format and one log line per request, with its id and never a
/// secret (issue 20, part 7).
@Suite struct MetricsTests {
    @Test func requestsMatchesAndStatesAreCountedAndEveryRequestIsLoggedByIDWithoutSecrets() async throws {
        let f = try await HubFixture.make()
        let lines = LogLines()
        var logger = Logger(label: "hub") { _ in CapturingLogHandler(sink: lines) }
        logger.logLevel = .debug
        let known = String(repeating: "f0", count: 32)
        try await f.withServer(logger: logger) { c in
            #expect(try await c.call(.post, "/v1/collections/\(f.collection)/signals", key: f.adminKey,
                                     json: ["type": "pdq", "value": known]).status == 201)
            for value in [known, known, String(repeating: "0f", count: 32)] {
                #expect(try await c.call(.post, "/v1/match", key: f.adminKey, json: ["type": "pdq", "value": value]).status == 200)
            }
            let missing = UUID().uuidString
            #expect(try await c.call(.get, "/v1/cases/\(missing)", key: f.adminKey).status == 404)

            // The request id: the caller's if it is a plain token, else a new one.
            let echoed = try await c.client.execute(uri: "/health", method: .get, headers: [.init("X-Request-Id")!: "trace-42"]) {
                $0.headers[.init("X-Request-Id")!]
            }
            #expect(echoed == "trace-42")
            let replaced = try await c.client.execute(uri: "/health", method: .get, headers: [.init("X-Request-Id")!: "a b\"c"]) {
                $0.headers[.init("X-Request-Id")!]
            }
            #expect(replaced != nil && replaced != "a b\"c")

            let text = try await c.client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            func value(_ name: String, _ labels: [String] = []) -> Double? {
                text.split(separator: "\n").first { line in
                    line.hasPrefix(name + (labels.isEmpty ? " " : "{")) && labels.allSatisfy { line.contains($0) }
                }.flatMap { Double($0.split(separator: " ").last ?? "") }
            }
            #expect(value("cordon_http_requests_total", [#"route="/v1/match""#, #"method="POST""#, #"status="200""#]) == 3, "\(text)")
            #expect(value("cordon_http_requests_total", [#"method="GET""#, #"status="404""#]) == 1)
            #expect(!text.contains(missing), "a route is a template, not one series per id")
            #expect(value("cordon_http_request_duration_seconds_count", [#"route="/v1/match""#]) == 3)
            #expect(value("cordon_match_queries_total") == 3 && value("cordon_match_hits_total") == 2)
            #expect(value("cordon_index_signals", [#"type="pdq""#]) == 1)
            #expect(value("cordon_webhook_outbox_depth") == 0 && value("cordon_live_streams") == 0)
            #expect(value("cordon_feed_lag") != nil && value("cordon_desk_alerts_total") != nil)
        }

        let logged = lines.all
        let matches = logged.filter { $0.contains("route=/v1/match") }
        #expect(matches.count == 3 && matches.allSatisfy { $0.contains("request_id=") && $0.contains("status=200") }, "\(logged)")
        #expect(logged.contains { $0.contains("request_id=trace-42") })
        #expect(logged.contains { $0.contains("status=404") && $0.contains("request_id=") })
        #expect(!logged.contains { $0.contains(f.adminKey) || $0.contains("Bearer") }, "a key was logged")
    }
}

/// Every log line, as `message key=value …` (the logger's metadata and the line's).
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }
}

struct CapturingLogHandler: LogHandler {
    let sink: LogLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        let fields = metadata.merging(extra ?? [:]) { $1 }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        sink.append(([message.description] + fields).joined(separator: " "))
    }
}
