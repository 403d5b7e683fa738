import CordonTestSupport
import Foundation
import Testing

/// A demo hub in a `cordon serve` process, with an empty collection of the demo platform's
/// and a second platform ("Beta") that may write to it: what the real-client tests fetch from.
struct InteropHub {
    let server: ServerProcess
    let folder: URL
    let adminKey: String
    let betaKey: String
    /// The hub operator's key, as the demo printed it.
    let operatorKey: String
    let collection: String

    var base: String { "http://127.0.0.1:\(server.port)" }

    static func start() async throws -> InteropHub {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let server = try ServerProcess(["--demo", "--database", "sqlite:" + folder.appendingPathComponent("hub.sqlite").path])
        let admin = try #require(server.banner.firstMatch(of: /admin API key \(shown once\): (cdn_[0-9a-f]+)/)).output.1
        let operatorKey = try #require(server.banner.firstMatch(of: /operator key \(shown once\): (cdn_[0-9a-f]+)/)).output.1
        let made = try await server.call("POST", "/v1/collections", key: String(admin), json: ["name": "interop", "description": ""])
        let collection = try #require((made.body as? [String: Any])?["id"] as? String, "\(made)")
        let beta = try await server.call("POST", "/v1/organisations", key: String(operatorKey), json: ["name": "Beta", "kind": "platform"])
        let betaID = try #require((beta.body as? [String: Any])?["id"] as? String)
        let key = try await server.call("POST", "/v1/organisations/\(betaID)/keys", key: String(operatorKey), json: ["role": "admin"])
        let betaKey = try #require((key.body as? [String: Any])?["secret"] as? String)
        let member = try await server.call("PUT", "/v1/collections/\(collection)/members/\(betaID)", key: String(admin),
                                           json: ["access": "read-write"])
        #expect(member.status == 204 || member.status == 200)
        return InteropHub(server: server, folder: folder, adminKey: String(admin), betaKey: betaKey, operatorKey: String(operatorKey),
                          collection: collection)
    }

    func stop() {
        server.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Submits signals as `key`; their ids.
    @discardableResult
    func submit(_ signals: [[String: Any]], key: String? = nil) async throws -> [Int] {
        let reply = try await server.call("POST", "/v1/collections/\(collection)/signals", key: key ?? adminKey, json: ["signals": signals])
        #expect(reply.status == 201 || reply.status == 200, "\(reply)")
        return ((reply.body as? [String: Any])?["results"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
    }

    func retract(_ id: Int) async throws {
        #expect(try await server.call("POST", "/v1/signals/\(id)/retract", key: adminKey).status == 200)
    }

    func feedback(_ id: Int, _ kind: String, key: String) async throws {
        #expect(try await server.call("POST", "/v1/signals/\(id)/feedback", key: key, json: ["kind": kind]).status == 200)
    }

    /// What `cordon connect` prints for the key: the lines a user pastes.
    func connect(key: String) throws -> String {
        let output = try CordonRunner.run(["connect", "--hub", base, "--key", key, "--collection", collection])
        #expect(output.status == 0, "\(output.stderr)")
        return output.stdout
    }

    /// A file's PDQ, from `cordon hash`.
    static func pdq(of file: URL) throws -> String {
        let output = try CordonRunner.run(["hash", file.path])
        return String(try #require(output.lines.first?.split(separator: ",").first))
    }

    /// A random PDQ-shaped hex value.
    static func randomHex(_ digits: Int = 64) -> String {
        String((0..<digits).map { _ in "0123456789abcdef".randomElement()! })
    }
}
