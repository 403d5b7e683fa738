import ArgumentParser
import CordonDomain
import CordonHub
import CordonServices
import CordonOutbound
import CordonStore
import Foundation
import Logging
import NIOHTTP1
import ServiceLifecycle

/// A hub of the command's own on loopback, for drills and benchmarks: a temporary SQLite
/// file unless a database is named; on PostgreSQL a second replica beside the first, as
/// in production. The hub operator's key creates the cast.
/// Webhooks may reach loopback, where the drill's receivers are.
struct OwnHub {
    var database: String?
    var port: Int

    func run(_ body: (_ primary: String, _ replica: String?, _ adminKey: String, _ logger: Logger) async throws -> Void) async throws {
        var logger = Logger(label: "cordon")
        logger.logLevel = .warning
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-own-hub-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let location: DatabaseLocation
        do {
            location = try database.map { try DatabaseLocation(parsing: $0) } ?? .sqlite(path: folder.appendingPathComponent("hub.sqlite").path)
        } catch {
            throw ValidationError("\(error)")
        }
        let first = try await HubDatabase(location, logger: logger)
        let store = HubStore(first)
        let adminKey = try await store.operatorKey(name: "Hub operator", label: "drill").1
        // Its receivers are on loopback too.
        let configuration = HubConfiguration(outboundPolicy: .loopbackAllowed)
        var services: [any Service] = [try await Hub(store: store, configuration: configuration).application(host: "127.0.0.1", port: port, logger: logger)]
        var second: HubDatabase?
        if first.isPostgres {
            let replica = try await HubDatabase(location, logger: logger)
            second = replica
            services.append(try await Hub(store: HubStore(replica), configuration: configuration).application(host: "127.0.0.1", port: port + 1, logger: logger))
        }
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [], logger: logger)
        do {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                for replica in 0..<services.count {
                    let base = "http://127.0.0.1:\(port + replica)"
                    try await Self.waitForHealth(base)
                    // Another program on the port would answer /health too, but not to our key.
                    guard (try? await HubAPI(base: base, key: adminKey).object(.GET, "/v1/me")) != nil else {
                        throw ValidationError("port \(port + replica) is taken by another program: choose free ports with --port")
                    }
                }
                try await body("http://127.0.0.1:\(port)", second == nil ? nil : "http://127.0.0.1:\(port + 1)", adminKey, logger)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        } catch {
            await group.triggerGracefulShutdown()
            await first.close()
            await second?.close()
            throw error
        }
        await first.close()
        await second?.close()
    }

    static func waitForHealth(_ base: String) async throws {
        for _ in 0..<100 {
            if (try? await HubAPI(base: base, key: "").text(.GET, "/health")) != nil { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ValidationError("the hub did not start at \(base)")
    }
}
