import ArgumentParser
import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// Options every command that opens the hub's database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "sqlite:PATH (the default: one file, no set-up) or postgres://USER@HOST:PORT/DATABASE.")
    var database: String = "sqlite:./cordon.sqlite"

    func location() throws -> DatabaseLocation {
        do {
            return try DatabaseLocation(parsing: database)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func open(logger: Logger) async throws -> HubDatabase {
        let location = try location()
        do {
            return try await HubDatabase(location, logger: logger)
        } catch {
            throw CleanExit.message("cordon: cannot open \(location): \(String(reflecting: error))")
        }
    }
}

/// `cordon serve`: the hash-sharing hub.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the hash-sharing hub (JSON API under /v1).")

    @OptionGroup var storage: DatabaseOptions

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port).")
    var port: Int = 8080

    @Flag(help: "Create the hub operator and a demo organisation with a collection, and print an API key for each.")
    var demo = false

    @Option(help: "Board organisations needed to activate or conclude an incident (at least 2).")
    var quorum = 2

    @Option(help: "Incident levels, lowest first, comma-separated (default: GIFCT's).")
    var incidentLevels = CrisisRules.gifctLevels.joined(separator: ",")

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        _ = try storage.location()
        _ = try crisisRules()
    }

    func crisisRules() throws -> CrisisRules {
        do {
            return try CrisisRules(quorum: quorum, levels: incidentLevels.split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            })
        } catch {
            throw ValidationError("--\(error.field == "quorum" ? "quorum" : "incident-levels"): \(error.message)")
        }
    }

    func run() async throws {
        var logger = Logger(label: "cordon")
        logger.logLevel = .info
        let database = try await storage.open(logger: logger)
        let store = HubStore(database)
        if demo {
            let secret = try await Self.prepareDemo(store)
            let operatorKey = try await store.operatorKey(name: "Hub operator", label: "demo").1
            // Written straight away (not buffered), so it shows before the server's log.
            FileHandle.standardOutput.write("""
                Demo organisation "Demo Platform" with collection "terrorist-content" is ready.
                Admin API key (shown once): \(secret)
                Hub operator key (shown once; creates organisations, seats the board, suspends): \(operatorKey)
                Try: curl -H 'Authorization: Bearer \(secret)' http://\(host):\(port)/v1/me

                """)
        }
        let clock = ContinuousClock(), start = clock.now
        let hub = try await Hub(store: store, configuration: HubConfiguration(crisis: try crisisRules()))
        logger.info("loaded \(hub.matchableCount) matchable hashes in \(clock.now - start)")
        let app = hub.application(host: host, port: port, logger: logger)
        let services = ServiceGroup(configuration: .init(
            // Shut down in reverse order: the server (and its synchroniser) first, the
            // database it queries last.
            services: [.init(service: database), .init(service: app)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await services.run()
    }

    /// The demo organisation, its collection, and a fresh admin key for it.
    static func prepareDemo(_ store: HubStore) async throws -> String {
        let name = "Demo Platform"
        let existing = try await store.organisations().first { $0.name == name }
        let organisation: OrganisationRecord
        if let existing {
            organisation = existing
        } else {
            organisation = try await store.createOrganisation(name: name, kind: .platform, by: nil)
        }
        let (key, secret) = try await store.createKey(organisationID: organisation.id!, role: .admin, label: "demo", by: nil)
        if try await store.collection(named: "terrorist-content") == nil {
            let caller = Caller(organisationID: organisation.id!, organisationName: name, kind: .platform, keyID: key.id!, role: .admin)
            _ = try await store.createCollection(
                name: "terrorist-content", description: "Demo shared hash list", by: caller)
        }
        return secret
    }
}
