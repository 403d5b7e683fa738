import CordonDomain
import CordonOutbound
@testable import CordonServices
import CordonStore
import CordonTestSupport
import Foundation
import Logging
import Testing

/// The use cases called directly, without HTTP, on a real SQLite database.
@Suite struct HubServicesTests {
    struct World {
        let folder: URL
        let database: HubDatabase
        let services: HubServices
        let operator_: Caller
        func close() async {
            await database.close()
            try? FileManager.default.removeItem(at: folder)
        }
    }

    static func world(_ configuration: HubConfiguration = HubConfiguration()) async throws -> World {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-services-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let database = try await HubDatabase(.sqlite(path: folder.appendingPathComponent("hub.sqlite").path), logger: logger)
        let store = HubStore(database)
        let secret = try await store.operatorKey(name: "Hub operator", label: "test").1
        let services = try await HubServices(store: store, configuration: configuration)
        return World(folder: folder, database: database, services: services, operator_: try await services.caller(secret: secret))
    }

    /// An organisation made by the operator, and a caller with a new key of `role`.
    static func member(_ w: World, _ name: String, _ kind: OrganisationKind, _ role: Role = .admin) async throws -> Caller {
        let organisation = try await w.services.createOrganisation(.init(name: name, kind: kind), by: w.operator_)
        let key = try await w.services.createKey(for: organisation.id, .init(role: role), by: w.operator_)
        return try await w.services.caller(secret: key.secret!)
    }

    @Test func membersCannotMakeOrganisationsOrOtherMembersKeys() async throws {
        let w = try await Self.world()
        defer { Task { await w.close() } }
        let platform = try await Self.member(w, "P", .platform)
        let authority = try await Self.member(w, "A", .authority)
        await #expect(throws: ServiceError.self) {
            _ = try await w.services.createOrganisation(.init(name: "Fake authority", kind: .authority), by: platform)
        }
        do {
            _ = try await w.services.createKey(for: authority.organisationID, .init(role: .admin), by: platform)
            Issue.record("a platform minted an authority's key")
        } catch let error as ServiceError {
            #expect(error.code == .forbidden && error.field == "organisation")
        }
        await #expect(throws: ServiceError.self) {
            _ = try await w.services.createOrganisation(.init(name: "Second operator", kind: .operator), by: w.operator_)
        }
        #expect(try await w.services.organisations(w.operator_).count == 3)
    }

    @Test func aSuspendedOrganisationsKeysStopAndComeBackOnReinstatement() async throws {
        let w = try await Self.world()
        defer { Task { await w.close() } }
        let organisation = try await w.services.createOrganisation(.init(name: "P", kind: .platform), by: w.operator_)
        let secret = try await w.services.createKey(for: organisation.id, .init(role: .consumer), by: w.operator_).secret!
        let caller = try await w.services.caller(secret: secret)
        _ = try await w.services.suspend(organisation.id, .init(reason: "abuse"), by: w.operator_)
        #expect(!w.services.isLive(caller))
        await #expect(throws: ServiceError.unauthorized("this API key is unknown or has been revoked, or its organisation is suspended")) {
            _ = try await w.services.caller(secret: secret)
        }
        _ = try await w.services.reinstate(organisation.id, by: w.operator_)
        #expect(w.services.isLive(caller))
    }

    @Test func aSourceWithdrawsOnlyItsOwnContributionAndTheOwnerRetracts() async throws {
        let w = try await Self.world()
        defer { Task { await w.close() } }
        let owner = try await Self.member(w, "Owner", .platform)
        let writer = try await Self.member(w, "Writer", .platform)
        let collection = try await w.services.createCollection(.init(name: "c"), by: owner)
        try await w.services.setMembership(collection.id, of: writer.organisationID, .init(access: .readWrite), by: owner)
        let hash = String(repeating: "5a", count: 32)
        let submission = API.Submission(signals: [SignalSubmission(type: .pdq, value: hash)], isBulk: false)
        let id = try await w.services.submit(submission, to: collection.id, by: owner).results[0].id
        _ = try await w.services.submit(submission, to: collection.id, by: writer)
        // The writer is a source now; retracting withdraws its contribution only.
        let afterWriter = try await w.services.retract(id, by: writer)
        #expect(afterWriter.status == .active && afterWriter.contributors == [owner.organisationID])
        // A second retraction by the writer is refused: it is no longer a source.
        await #expect(throws: ServiceError.self) { _ = try await w.services.retract(id, by: writer) }
        #expect(try await w.services.retract(id, by: owner).status == .retracted)
        // Only the owner manages members, and its own access does not change.
        await #expect(throws: ServiceError.self) {
            try await w.services.setMembership(collection.id, of: owner.organisationID, .init(access: .read), by: writer)
        }
        await #expect(throws: ServiceError.self) {
            try await w.services.setMembership(collection.id, of: owner.organisationID, .init(access: .read), by: owner)
        }
    }

    @Test func anOrganisationReadsOnlyItsOwnAuditEntries() async throws {
        let w = try await Self.world()
        defer { Task { await w.close() } }
        let platform = try await Self.member(w, "P", .platform)
        let other = try await Self.member(w, "Q", .platform)
        _ = try await w.services.createCollection(.init(name: "p's"), by: platform)
        _ = try await w.services.createCollection(.init(name: "q's"), by: other)
        let own = try await w.services.auditLog(since: 0, limit: 100, by: platform).entries
        #expect(!own.isEmpty && own.allSatisfy { $0.organisationID == platform.organisationID })
        let overseer = try await Self.member(w, "Oversight", .auditor, .auditor)
        let all = try await w.services.auditLog(since: 0, limit: 100, by: overseer).entries
        #expect(Set(all.compactMap(\.organisationID)).isSuperset(of: [platform.organisationID, other.organisationID]))
    }
}

extension HubServicesTests {
    /// The operator's and owners' new commands refuse bad input by field, and store nothing.
    @Test func badOperatorAndMembershipInputIsRefusedByFieldAndChangesNothing() async throws {
        let w = try await Self.world()
        defer { Task { await w.close() } }
        let owner = try await Self.member(w, "Owner", .platform)
        let id = owner.organisationID
        func refusal(_ body: () async throws -> Void) async -> ServiceError? { await DeskAndCrisisServicesTests.refusal(body) }

        #expect(await refusal { _ = try await w.services.suspend(id, .init(reason: "  "), by: w.operator_) }?.field == "reason")
        #expect(await refusal { _ = try await w.services.suspend(w.operator_.organisationID, .init(reason: "x"), by: w.operator_) }?.field == "organisation")
        #expect(await refusal { _ = try await w.services.updateOrganisation(id, .init(memberState: "Deutschland"), by: w.operator_) }?.field == "memberState")
        #expect(await refusal { _ = try await w.services.updateOrganisation(id, .init(kind: .operator), by: w.operator_) }?.field == "kind")
        #expect(await refusal { _ = try await w.services.updateOrganisation(id, .init(name: ""), by: w.operator_) }?.field == "name")
        #expect(await refusal { try await w.services.seatBoard(w.operator_.organisationID, .init(seated: true), by: w.operator_) }?.field == "organisation")
        let stored = try #require(try await w.services.store.organisation(id))
        #expect(stored.name == "Owner" && stored.kind == "platform" && stored.memberState == nil && stored.suspendedAt == nil)
        #expect(w.services.isLive(owner))

        let collection = try await w.services.createCollection(.init(name: "c"), by: owner)
        #expect(await refusal { try await w.services.removeMembership(collection.id, of: id, by: owner) }?.field == "organisation")
        #expect(await refusal { try await w.services.removeMembership(collection.id, of: UUID(), by: owner) }?.code == .notFound)
        #expect(try await w.services.collections(owner).map(\.access) == [.readWrite])
    }
}
