import AsyncHTTPClient
import CordonDomain
import CordonHub
import CordonServices
import HTTPTypes
import CordonHub
import CordonServices
import CordonStore
import CordonTestSupport
import Foundation
import NIOHTTP1
import Hummingbird
import HummingbirdTesting
import Logging

/// The databases the hub runs on; API tests run on each.
enum Backend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    var description: String { rawValue }

    /// A fresh, empty database of this kind.
    func freshLocation(in folder: URL) throws -> DatabaseLocation {
        switch self {
        case .sqlite: .sqlite(path: folder.appendingPathComponent("hub.sqlite").path)
        case .postgres: .postgres(url: try TestPostgres.newDatabaseURL())
        }
    }
}

/// A hub on a fresh database (SQLite file or PostgreSQL database), served over real HTTP
/// on 127.0.0.1, with one platform organisation ("Alpha") holding an admin key and a
/// collection.
struct HubFixture {
    let folder: URL
    let database: HubDatabase
    let store: HubStore
    let hub: Hub
    let adminKey: String
    /// The hub operator's key: creates organisations, seats the board, suspends.
    let operatorKey: String
    let alpha: UUID
    let collection: UUID

    static func make(_ backend: Backend = .sqlite, configuration given: HubConfiguration = HubConfiguration()) async throws -> HubFixture {
        // The test client holds one connection and does not open another when the server
        // closes it: with every suite at once, a test can sit longer than the hub's idle
        // timeout between two requests. A test of the timeout sets its own.
        var configuration = given
        if configuration.connections.idleTimeout == ConnectionLimits.defaultIdleTimeout { configuration.connections.idleTimeout = nil }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-hub-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let database = try await HubDatabase(try backend.freshLocation(in: folder), logger: logger)
        let store = HubStore(database)
        let alpha = try await store.createOrganisation(name: "Alpha", kind: .platform, by: nil)
        let (key, secret) = try await store.createKey(organisationID: alpha.id!, role: .admin, label: "test", by: nil)
        let caller = Caller(organisationID: alpha.id!, organisationName: "Alpha", kind: .platform, keyID: key.id!, role: .admin)
        let collection = try await store.createCollection(name: "terrorist-content", description: "", by: caller)
        let operatorKey = try await store.operatorKey(name: "Hub operator", label: "test").1
        let hub = try await Hub(store: store, configuration: configuration)
        return HubFixture(folder: folder, database: database, store: store, hub: hub, adminKey: secret, operatorKey: operatorKey,
                          alpha: alpha.id!, collection: collection.id!)
    }

    /// Runs `body` against the hub served on a free loopback port, then closes everything.
    func withServer(logger given: Logger? = nil, _ body: @Sendable (HubClient) async throws -> Void) async throws {
        var logger = given ?? Logger(label: "test")
        if given == nil { logger.logLevel = .warning }
        let app = hub.application(host: "127.0.0.1", port: 0, logger: logger)
        do {
            try await app.test(.live) { client in try await body(HubClient(client: client)) }
        } catch {
            await close()
            throw error
        }
        await close()
    }

    func close() async {
        await database.close()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// JSON over the test client.
struct HubClient: Sendable {
    let client: any TestClientProtocol

    /// The live server's port, for clients of our own (event streams).
    var port: Int? { client.port }

    struct Reply: @unchecked Sendable {
        var status: Int
        var json: Any?
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
        /// The `error` object of an error reply.
        var error: [String: Any] { object["error"] as? [String: Any] ?? [:] }
        var headers: HTTPFields = [:]
    }

    func call(_ method: HTTPRequest.Method, _ uri: String, key: String?, body: String? = nil, prefer: String? = nil,
              contentType: String = "application/json") async throws -> Reply {
        var headers: HTTPFields = [.contentType: contentType]
        if let key { headers[.authorization] = "Bearer \(key)" }
        if let prefer { headers[HTTPField.Name("Prefer")!] = prefer }
        return try await client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }
        ) { response in
            let data = Data(response.body.readableBytesView)
            return Reply(status: Int(response.status.code), json: data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data),
                         headers: response.headers)
        }
    }

    func call(_ method: HTTPRequest.Method, _ uri: String, key: String?, json: Any, prefer: String? = nil) async throws -> Reply {
        let data = try JSONSerialization.data(withJSONObject: json)
        return try await call(method, uri, key: key, body: String(decoding: data, as: UTF8.self), prefer: prefer)
    }

    /// A request over AsyncHTTPClient with `seconds` to answer, for a long one (a full bulk
    /// submission on PostgreSQL while every suite runs) or one of several at once: the test
    /// client has one connection, queues requests behind each other and gives up after 20 s.
    func slowCall(_ method: HTTPRequest.Method, _ uri: String, key: String, json: Any, prefer: String? = nil, seconds: Int64 = 180) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port!)\(uri)")
        request.method = HTTPMethod(rawValue: method.rawValue)
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Content-Type", value: "application/json")
        if let prefer { request.headers.add(name: "Prefer", value: prefer) }
        request.body = .bytes(ByteBuffer(bytes: Array(try JSONSerialization.data(withJSONObject: json))))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(seconds))
        let data = Data(try await response.body.collect(upTo: 64 << 20).readableBytesView)
        return Reply(status: Int(response.status.code), json: data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data))
    }
}
