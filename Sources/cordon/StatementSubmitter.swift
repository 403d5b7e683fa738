import ArgumentParser
import AsyncHTTPClient
import CordonDomain
import Foundation
import NIOCore
import NIOHTTP1

/// Sends statements of reasons to the DSA Transparency Database's
/// `POST /api/v1/statements`, at most 100 a call. The database stores a batch all or
/// nothing and answers 422 naming each bad item (`statement_3`); a PUID it holds already
/// means the statement was sent before, so those items count as submitted, the others
/// named are refused, and the rest are sent again. 429 and 5xx are retried with backoff.
struct StatementSubmitter {
    static let batchSize = 100
    let base: String
    let token: String
    var attempts = 5

    init(base: String, token: String) {
        self.base = base.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        self.token = token
    }

    struct Report {
        var created = 0
        var existing = 0
        /// `puid: reason`.
        var refused: [String] = []

        mutating func add(_ other: Report) {
            created += other.created
            existing += other.existing
            refused += other.refused
        }
    }

    func submit(_ batch: [StatementOfReasons]) async throws -> Report {
        var report = Report()
        var pending = batch
        var failures = 0
        while !pending.isEmpty {
            let (status, body) = try await post(pending, failures: &failures)
            switch status {
            case 201:
                report.created += pending.count
                pending = []
            case 422:
                let errors = (body["errors"] as? [String: Any]) ?? [:]
                var named = IndexSet()
                for (key, value) in errors {
                    guard key.hasPrefix("statement_"), let index = Int(key.dropFirst("statement_".count)), index < pending.count else { continue }
                    named.insert(index)
                    let fields = value as? [String: Any] ?? [:]
                    let messages = fields.map { "\($0.key): \(($0.value as? [String])?.joined(separator: " ") ?? "\($0.value)")" }.sorted()
                    if fields.keys.allSatisfy({ $0 == "puid" }), messages.joined().lowercased().contains("unique") {
                        report.existing += 1
                    } else {
                        report.refused.append("\(pending[index].puid): " + messages.joined(separator: "; "))
                    }
                }
                guard !named.isEmpty else {
                    report.refused += pending.map { "\($0.puid): \(body["message"] as? String ?? "refused (422)")" }
                    return report
                }
                pending = pending.enumerated().filter { !named.contains($0.offset) }.map(\.element)
            case 401, 403:
                throw ValidationError("the Transparency Database refused the token (HTTP \(status)): \(body["message"] as? String ?? "")")
            default:
                report.refused += pending.map { "\($0.puid): HTTP \(status) \(body["message"] as? String ?? "")" }
                return report
            }
        }
        return report
    }

    /// One call, retried on 429, 5xx and connection failures (0.5 s, 1 s, 2 s, …).
    private func post(_ statements: [StatementOfReasons], failures: inout Int) async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: base + "/api/v1/statements")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(["statements": statements])))
        while true {
            var status = 0
            var body: [String: Any] = [:]
            do {
                let response = try await HubAPI.client.execute(request, timeout: .seconds(30))
                status = Int(response.status.code)
                let bytes = try await response.body.collect(upTo: 8 << 20)
                body = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any]) ?? [:]
            } catch {
                status = 0
                body = ["message": "\(error)"]
            }
            guard status == 0 || status == 429 || status >= 500 else { return (status, body) }
            failures += 1
            guard failures < attempts else {
                throw ValidationError("the Transparency Database at \(base) did not take the statements after \(attempts) tries: "
                    + (status == 0 ? "\(body["message"] ?? "")" : "HTTP \(status)"))
            }
            try await Task.sleep(for: .milliseconds(500 << (failures - 1)))
        }
    }
}
