import CordonDomain
import CordonOutbound
@testable import CordonServices
import CordonStore
import Crypto
import Foundation
import Testing

/// The use cases the other service suites do not reach, each called once as it should
/// succeed and once as it must be refused.
@Suite struct RemainingUseCasesTests {
    typealias Refusal = DeskAndCrisisServicesTests

    @Test func organisationsKeysMembersSignalsAndTheFeed() async throws {
        let w = try await HubServicesTests.world()
        defer { Task { await w.close() } }
        let owner = try await HubServicesTests.member(w, "Owner", .platform)
        let reader = try await HubServicesTests.member(w, "Reader", .platform, .contributor)
        let renamed = try await w.services.updateOrganisation(owner.organisationID, .init(name: "Owner Ltd", memberState: "de"), by: w.operator_)
        #expect(renamed.name == "Owner Ltd" && renamed.memberState == "DE")
        #expect(await Refusal.refusal { _ = try await w.services.updateOrganisation(owner.organisationID, .init(kind: .authority), by: owner) }?.code == .forbidden)
        #expect(try await w.services.keys(of: owner.organisationID, by: owner).count == 1)
        #expect(await Refusal.refusal { _ = try await w.services.keys(of: owner.organisationID, by: reader) }?.code == .forbidden)
        #expect(try await w.services.me(owner).organisation.name == "Owner Ltd")

        let collection = try await w.services.createCollection(.init(name: "c"), by: owner)
        try await w.services.setMembership(collection.id, of: reader.organisationID, .init(access: .read), by: owner)
        let id = try await w.services.submit(.init(signals: [SignalSubmission(type: .md5, value: String(repeating: "ab", count: 16))]),
                                             to: collection.id, by: owner).results[0].id
        #expect(try await w.services.signal(id, by: reader).id == id)
        #expect(try await w.services.feedback(on: id, .init(kind: .helpful), by: reader).id == id)
        // The addition, and the feedback (exchange formats carry it as a reaction).
        #expect(try await w.services.feed(of: collection.id, since: 0, limit: 10, by: reader).changes.map(\.kind) == [.added, .updated])
        #expect(try w.services.feedStream(of: collection.id, by: reader).isAllowed())
        try await w.services.removeMembership(collection.id, of: reader.organisationID, by: owner)
        #expect(await Refusal.refusal { _ = try await w.services.signal(id, by: reader) }?.code == .notFound)
        #expect(await Refusal.refusal { _ = try w.services.feedStream(of: collection.id, by: reader) }?.code == .notFound)
    }

    @Test func ordersScrutinyHoldsSigningKeysAndWebhooks() async throws {
        let w = try await HubServicesTests.world(HubConfiguration(outboundPolicy: .loopbackAllowed))
        defer { Task { await w.close() } }
        let platform = try await HubServicesTests.member(w, "P", .platform)
        let fr = try await HubServicesTests.member(w, "Authority FR", .authority)
        let de = try await HubServicesTests.member(w, "Authority DE", .authority)
        _ = try await w.services.updateOrganisation(platform.organisationID, .init(memberState: "DE"), by: w.operator_)
        _ = try await w.services.updateOrganisation(fr.organisationID, .init(memberState: "FR"), by: w.operator_)
        _ = try await w.services.updateOrganisation(de.organisationID, .init(memberState: "DE"), by: w.operator_)
        let signer = Curve25519.Signing.PrivateKey()
        #expect(await Refusal.refusal { _ = try await w.services.registerSigningKey(.init(publicKey: "c2hvcnQ="), by: platform) }?.field == "organisation")
        let key = try await w.services.registerSigningKey(.init(publicKey: signer.publicKey.rawRepresentation.base64EncodedString()), by: fr)
        #expect(try await w.services.signingKeys(of: fr.organisationID, by: platform).map(\.id) == [key.id])
        let order = RemovalOrderContent(
            referenceNumber: "FR-1", issuingAuthority: fr.organisationID, platform: platform.organisationID, urls: ["https://example.org/o/1"],
            reasons: [.incitement], statement: "Glorifies the attack.", legalBasis: "Regulation (EU) 2021/784, Art. 3",
            redress: "Appeal within two months.", issuedAt: "2026-11-23T10:00:00Z")
        let signature = try signer.signature(for: order.canonicalBytes).base64EncodedString()
        let issued = try await w.services.issue(.init(order: order, signingKey: key.id, signature: signature), by: fr)
        #expect(try await w.services.proof(of: issued.id, by: platform).hubPublicKey == w.services.hubKey(by: platform).publicKey)
        #expect(try await w.services.checks(of: issued.id, by: fr).isEmpty)
        _ = try await w.services.act(on: issued.id, .init(action: "confirm-removal"), by: platform)
        _ = try await w.services.requestScrutiny(of: issued.id, .init(reason: "journalism"), by: platform)
        #expect(await Refusal.refusal { _ = try await w.services.decideScrutiny(of: issued.id, .init(outcome: .upheld, reasons: "x"), by: fr) }?.code == .forbidden)
        #expect(try await w.services.decideScrutiny(of: issued.id, .init(outcome: .upheld, reasons: "Lawful."), by: de).id == issued.id)

        let hold = try await w.services.placeHold(.init(domain: "held.example", reason: "operation X"), by: de)
        #expect(try await w.services.holds(by: fr).map(\.id) == [hold.id])
        #expect(try await w.services.deconflict("https://held.example/a", by: fr).holds.count == 1)
        #expect(await Refusal.refusal { _ = try await w.services.deconflict("https://held.example/a", by: platform) }?.field == "organisation")
        #expect(await Refusal.refusal { try await w.services.liftHold(hold.id, by: fr) }?.code == .forbidden)
        try await w.services.liftHold(hold.id, by: de)
        #expect(await Refusal.refusal { try await w.services.revokeSigningKey(key.id, by: de) }?.code == .forbidden)
        try await w.services.revokeSigningKey(key.id, by: w.operator_)

        let webhook = try await w.services.createWebhook(.init(url: "http://127.0.0.1:9/p"), by: platform)
        #expect(try await w.services.webhooks(by: platform).map(\.id) == [webhook.id])
        #expect(try await w.services.deliveries(of: webhook.id, state: nil, limit: 10, by: platform).count >= 0)
        #expect(await Refusal.refusal { _ = try await w.services.deliveries(of: webhook.id, state: nil, limit: 10, by: fr) }?.code == .forbidden)
        #expect(await Refusal.refusal { try await w.services.revokeWebhook(webhook.id, by: fr) }?.code == .forbidden)
        try await w.services.revokeWebhook(webhook.id, by: w.operator_)
        #expect(try await w.services.webhooks(by: platform).isEmpty)
    }

    @Test func incidentsAreListedWithdrawnAndDrillsPurged() async throws {
        let w = try await HubServicesTests.world()
        defer { Task { await w.close() } }
        let unit = try await HubServicesTests.member(w, "R", .referralUnit)
        let platform = try await HubServicesTests.member(w, "P", .platform)
        let criteria = IncidentCriteria(ongoingOrRecentAttack: true, perpetratorProducedViolentContent: true, presentOnMemberPlatforms: true)
        func propose(drill: Bool) async throws -> UUID {
            try await w.services.propose(.init(title: "Attack", summary: "s", location: "l", occurredAt: "2026-11-23T10:00:00Z",
                                               contentSeen: "c", criteria: criteria, drill: drill), by: unit).id
        }
        let real = try await propose(drill: false), drill = try await propose(drill: true)
        #expect(Set(try await w.services.incidents(state: nil, limit: 10, by: platform).map(\.id)) == [real, drill])
        #expect(try await w.services.incidentEvents(since: 0, limit: 10, incident: real, by: platform).events.count == 1)
        #expect(try await w.services.sharedURLs(of: real, by: platform).isEmpty)
        #expect(await Refusal.refusal { _ = try await w.services.withdraw(real, .init(reason: "no"), by: platform) }?.code == .forbidden)
        #expect(try await w.services.withdraw(real, .init(reason: "not an attack"), by: unit).state == "withdrawn")
        #expect(await Refusal.refusal { try await w.services.purgeDrill(drill, by: platform) }?.code == .forbidden)
        try await w.services.purgeDrill(drill, by: unit)
        #expect(await Refusal.refusal { _ = try await w.services.incident(drill, by: unit) }?.code == .notFound)
    }
}
