import CordonDomain
import CordonHub
import CordonOutbound
import CordonServices
import CordonStore
import CordonWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging

/// A hub with its pages on a fresh SQLite file, served over real HTTP on 127.0.0.1, with
/// people of each kind who sign in with ``password``:
/// a platform's moderator (admin) and its consumer, an authority's officer, a referral
/// unit's analyst, the operator, a youth worker of a registered trusted flagger and a
/// campaign partner's staff member. The platform and the unit sit on the board.
struct PageFixture {
    static let password = "correct horse battery"

    let folder: URL
    let database: HubDatabase
    let hub: Hub
    let pages: WebPages
    /// A mirror's review desk, when the pages are a mirror's.
    let desk: MirrorDesk?
    var services: HubServices { hub.services }
    let platform: Caller, authority: Caller, unit: Caller, operator_: Caller, flagger: Caller, partner: Caller
    let collection: UUID

    static let emails = (moderator: "moderator@alpha.test", consumer: "viewer@alpha.test", officer: "officer@police.test",
                         analyst: "analyst@unit.test", operator_: "operator@hub.test", worker: "worker@streetwork.test",
                         partner: "staff@exit.test")

    /// With `review`, the pages are a mirror's: its review queue over a ``MirrorDesk``
    /// whose platform is the moderator's, preserving uploaded files.
    static func make(clock: any WallClock = SystemWallClock(), review: Bool = false) async throws -> PageFixture {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-pages-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let database = try await HubDatabase(.sqlite(path: folder.appendingPathComponent("hub.sqlite").path), logger: logger)
        let store = HubStore(database)
        var configuration = HubConfiguration()
        configuration.sessions.passwordCost = 4
        configuration.clock = clock
        configuration.outboundPolicy = .loopbackAllowed
        // The test client keeps one connection and never reopens it (see HubFixture).
        configuration.connections.idleTimeout = nil
        let hub = try await Hub(store: store, configuration: configuration)
        let services = hub.services
        func member(_ name: String, _ kind: OrganisationKind, state: String? = nil) async throws -> Caller {
            let record = try await store.createOrganisation(name: name, kind: kind, memberState: state, by: nil)
            return Caller(organisationID: record.id!, organisationName: name, kind: kind, keyID: UUID(), role: .admin)
        }
        let operatorRecord = try await store.operatorKey(name: "Hub operator", label: "test").0
        let operator_ = Caller(organisationID: operatorRecord.id!, organisationName: "Hub operator", kind: .operator, keyID: UUID(), role: .admin)
        let platform = try await member("Alpha Video", .platform, state: "DE")
        let authority = try await member("Beta Police", .authority, state: "DE")
        let unit = try await member("Gamma Referral Unit", .referralUnit)
        let flagger = try await member("Streetwork NGO", .trustedFlagger)
        let partner = try await member("Exit NGO", .partner)
        for (caller, email, role) in [(platform, emails.moderator, Role.admin), (platform, emails.consumer, .consumer),
                                      (authority, emails.officer, .admin), (unit, emails.analyst, .admin),
                                      (operator_, emails.operator_, .admin), (flagger, emails.worker, .contributor),
                                      (partner, emails.partner, .admin)] {
            _ = try await services.createUser(in: caller.organisationID, try API.command(API.NewUser.self, [
                "name": email.split(separator: "@")[0].capitalized, "email": email, "password": password, "role": role.rawValue,
            ]), by: nil)
        }
        for member in [platform, unit] {
            try await services.seatBoard(member.organisationID, try API.command(API.BoardSeat.self, ["seated": true]), by: operator_)
        }
        _ = try await services.registerTrustedFlagger(flagger.organisationID, try API.command(API.TrustedFlaggerIn.self, [
            "awardingAuthority": "Bundesnetzagentur (DE)", "independence": "No platform funding", "responseHours": 24,
        ]), by: operator_)
        let collection = try await services.createCollection(
            try API.command(API.NewCollection.self, ["name": "terrorist-content", "description": "shared"]), by: platform)
        var options = MirrorOptions()
        options.platform = platform.organisationID
        options.mediaFolder = folder.appendingPathComponent("media")
        let desk = review ? MirrorDesk(services: services, options: options) : nil
        return PageFixture(folder: folder, database: database, hub: hub, pages: try WebPages(services: services, review: desk), desk: desk,
                           platform: platform, authority: authority, unit: unit, operator_: operator_, flagger: flagger, partner: partner,
                           collection: collection.id)
    }

    /// Serves the hub and its pages on a free loopback port; `body` gets the base URL.
    func withServer(_ body: @Sendable (String, any TestClientProtocol) async throws -> Void) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let app = hub.application(host: "127.0.0.1", port: 0, logger: logger, pages: pages.addRoutes)
        do {
            try await app.test(.live) { client in try await body("http://127.0.0.1:\(client.port!)", client) }
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
