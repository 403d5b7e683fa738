import ArgumentParser
import CordonDomain
import CordonHub
import CordonOutbound
import CordonServices
import CordonStore
import CordonWeb
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

    /// Where the hub's keys are: `CORDON_HUB_KEYS` when set, else `keyFile`, else beside an
    /// SQLite database; PostgreSQL's replicas must be told which file they share.
    func keySource(keyFile: String?) throws -> HubKeySource {
        if let keyFile { return HubKeySource.resolve(path: keyFile) }
        switch try location() {
        case .sqlite(let path): return HubKeySource.resolve(path: path + ".keys.json")
        case .postgres:
            let source = HubKeySource.resolve(path: "")
            guard case .environment = source else {
                throw ValidationError("--key-file is required with PostgreSQL (or set \(HubKeySource.environmentVariable)): every replica must sign with the same keys; make one with `cordon keys init --key-file PATH`")
            }
            return source
        }
    }

    func open(logger: Logger) async throws -> HubDatabase {
        let location = try location()
        do {
            return try await HubDatabase(location, logger: logger)
        } catch {
            throw CommandFailure("cannot open \(location): \(String(reflecting: error))")
        }
    }
}

/// `cordon serve`: the hash-sharing hub.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the hash-sharing hub (JSON API under /v1).")

    @OptionGroup var storage: DatabaseOptions

    @Option(help: "The hub's signing and evidence keys (JSON, mode 0600), made on first start. Default: PATH.keys.json beside an SQLite database; required with PostgreSQL, the same file on every replica. CORDON_HUB_KEYS (the file's JSON) overrides it.")
    var keyFile: String?

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port).")
    var port: Int = 8080

    @Flag(help: "Fill the hub with demo organisations of every kind, a person in each, hashes, cases and a drill; print the logins and two API keys.")
    var demo = false

    @Flag(help: "Mark session cookies Secure: set when people reach the hub over HTTPS (directly or through a TLS proxy).")
    var secureCookies = false

    @Option(help: "Board organisations needed to activate or conclude an incident (at least 2).")
    var quorum = 2

    @Option(help: "Incident levels, lowest first, comma-separated (default: GIFCT's).")
    var incidentLevels = CrisisRules.gifctLevels.joined(separator: ",")

    @Option(help: "Organisations other than its contributors that must dissent before a hash is disputed (review-only).")
    var disputeAfter = DisputeRule.default.minimumOrganisations

    @Option(help: "Confirmed false positives (left up as not violating, or reinstated after an appeal) that quarantine a hash.")
    var quarantineAfter = SafeguardRules.default.quarantineAfter

    @Option(help: "Days after which a hash shared into an incident is due for review by its contributor.")
    var incidentReviewDays = Int(SafeguardRules.default.incidentReviewAfter / 86_400)

    @Flag(help: "Let webhooks and removal checks reach this machine (127.0.0.1, plain http): for drills and benchmarks on one machine, never in production.")
    var allowLoopbackOutbound = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        guard disputeAfter >= 1 else { throw ValidationError("--dispute-after is at least 1 organisation") }
        guard quarantineAfter >= 1 else { throw ValidationError("--quarantine-after is at least 1 false positive") }
        guard (1...3650).contains(incidentReviewDays) else { throw ValidationError("--incident-review-days is 1 to 3650") }
        _ = try storage.keySource(keyFile: keyFile)
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
        let clock = ContinuousClock(), start = clock.now
        let safeguards = SafeguardRules(dispute: DisputeRule(minimumOrganisations: disputeAfter), quarantineAfter: quarantineAfter,
                                        incidentReviewAfter: TimeInterval(incidentReviewDays) * 86_400)
        var configuration = HubConfiguration(safeguards: safeguards, crisis: try crisisRules())
        if allowLoopbackOutbound { configuration.outboundPolicy = .loopbackAllowed }
        do {
            let source = try storage.keySource(keyFile: keyFile)
            configuration.keys = try await HubKeyFile.open(source, store: store)
            if case .file(let path) = source { configuration.keyFile = path }
            if configuration.keys?.retention == nil {
                logger.warning("\(HubKeySource.environmentVariable) has no retention ratchet: preserved records are kept unsealed, and a purge cannot reach backups; set it to a key file made by `cordon keys rotate`")
            } else if configuration.keyFile == nil {
                logger.warning("the keys come from \(HubKeySource.environmentVariable), which the hub cannot rewrite: purged records' keys stay derivable from it until it is replaced by a key file's current content")
            }
            let hub = try await Hub(store: store, configuration: configuration)
            try await serve(hub, database: database, logger: logger, loaded: clock.now - start)
        } catch {
            await database.close()
            if let error = error as? HubKeyError { throw CommandFailure(error.description) }
            throw CommandFailure("the hub could not start: \(String(reflecting: error))")
        }
    }

    private func serve(_ hub: Hub, database: HubDatabase, logger: Logger, loaded: Duration) async throws {
        logger.info("loaded \(hub.matchableCount) matchable hashes in \(loaded)")
        let banner = demo ? try await prepareDemo(hub) : nil
        let pages = try WebPages(services: hub.services, settings: .init(secureCookies: secureCookies))
        let app = hub.application(host: host, port: port, logger: logger, pages: pages.addRoutes) { [host] port in
            // Written straight away (not buffered), with the port it listens on.
            if let banner { FileHandle.standardOutput.write(Data(banner("http://\(host):\(port)").utf8)) }
        }
        let services = ServiceGroup(configuration: .init(
            // Shut down in reverse order: the server (and its synchroniser) first, the
            // database it queries last.
            services: [.init(service: database), .init(service: app)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await services.run()
    }

    /// Fills the hub with the demo; how to sign in, and two API keys for curl, to print
    /// once the server's address is known.
    func prepareDemo(_ hub: Hub) async throws -> @Sendable (String) -> String {
        let logins = try await DemoHub.prepare(hub.services)
        let platform = try await hub.store.organisations().first { $0.name == "Demo Platform" }!
        let (platformKey, secret) = try await hub.store.createKey(organisationID: platform.id!, role: .admin, label: "demo", by: nil)
        let (operatorOrganisation, operatorKey) = try await hub.store.operatorKey(name: "Hub operator", label: "demo")
        // The keys an earlier start printed are revoked: each start leaves one live pair, not
        // one more (the security review's F18).
        let operatorCaller = try await hub.services.caller(secret: operatorKey)
        for organisation in [platform.id!, operatorOrganisation.id!] {
            for key in try await hub.store.keys(of: organisation)
            where key.label == "demo" && key.revokedAt == nil && ![platformKey.id, operatorCaller.keyID].contains(key.id) {
                try await hub.services.revokeKey(key.id!, by: operatorCaller)
            }
        }
        let rows = logins.map { "  \($0.kind.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)) \($0.email.padding(toLength: 24, withPad: " ", startingAt: 0)) (\($0.organisation))" }
        return { base in
            """
            Cordon demo: open \(base)/ and sign in as any of these, password \(DemoHub.password):
            \(rows.joined(separator: "\n"))
            Demo Platform admin API key (shown once): \(secret)
            Hub operator key (shown once): \(operatorKey)
            Try: curl -H 'Authorization: Bearer \(secret)' \(base)/v1/me

            """
        }
    }
}
