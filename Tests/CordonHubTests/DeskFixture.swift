import CordonDomain
import CordonHub
import CordonServices
import CordonOutbound
import CordonStore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization

/// The referral desk's cast on top of a ``HubFixture``: platform Beta (established in
/// DE), authorities in DE and FR, a referral unit and a trusted flagger, each with a
/// contributor key (authorities: admin), and a clock the test moves.
struct DeskFixture {
    let hub: HubFixture
    let clock: AdjustableWallClock
    let beta: UUID, authorityDE: UUID, authorityFR: UUID, unit: UUID
    let betaKey: String, deKey: String, frKey: String, unitKey: String, flaggerKey: String, alphaKey: String
    let frSigner = Curve25519.Signing.PrivateKey()
    let deSigner = Curve25519.Signing.PrivateKey()

    static let rules = DeskRules(firstCheckAfter: 60)

    /// `keys` and `keyFile`: the hub's keys and where it writes them (nil: keys for the process).
    static func make(_ backend: Backend, clock: AdjustableWallClock = AdjustableWallClock(), keys: HubKeyring? = nil,
                     keyFile: String? = nil) async throws -> DeskFixture {
        var configuration = HubConfiguration(clock: clock, desk: rules, outboundPolicy: .loopbackAllowed, deskTick: .milliseconds(100))
        configuration.keys = keys
        configuration.keyFile = keyFile
        let f = try await HubFixture.make(backend, configuration: configuration)
        func member(_ name: String, _ kind: OrganisationKind, _ state: String?, _ role: Role) async throws -> (UUID, String) {
            let organisation = try await f.store.createOrganisation(name: name, kind: kind, memberState: state, by: nil)
            return (organisation.id!, try await f.store.createKey(organisationID: organisation.id!, role: role, label: name, by: nil).1)
        }
        let (beta, betaKey) = try await member("Beta", .platform, "DE", .admin)
        let (de, deKey) = try await member("Authority DE", .authority, "DE", .admin)
        let (fr, frKey) = try await member("Authority FR", .authority, "FR", .admin)
        let (unit, unitKey) = try await member("IRU", .referralUnit, nil, .contributor)
        let (_, flaggerKey) = try await member("Flagger", .trustedFlagger, nil, .contributor)
        let alphaKey = try await f.store.createKey(organisationID: f.alpha, role: .contributor, label: "alpha", by: nil).1
        return DeskFixture(hub: f, clock: clock, beta: beta, authorityDE: de, authorityFR: fr, unit: unit, betaKey: betaKey,
                           deKey: deKey, frKey: frKey, unitKey: unitKey, flaggerKey: flaggerKey, alphaKey: alphaKey)
    }

    /// A removal order from the FR authority to Beta, signed with its registered key.
    func order(_ c: HubClient, urls: [String], keyID: String, reasons: [String] = ["incitement"], emergency: Bool = true,
               tamper: Bool = false, override: Bool = false, nonDisclosureUntil: Date? = nil,
               statement: String = "Glorifies the attack of 22 November.") async throws -> HubClient.Reply {
        let order = RemovalOrderContent(
            referenceNumber: "FR-\(UUID().uuidString.prefix(8))", issuingAuthority: authorityFR, platform: beta, urls: urls,
            reasons: reasons.compactMap(ContentCategory.init(rawValue:)), statement: statement,
            legalBasis: "Regulation (EU) 2021/784, Art. 3", redress: "Appeal to the administrative court within two months.",
            issuedAt: "2026-11-23T10:00:00Z",
            nonDisclosure: nonDisclosureUntil.map { .init(until: ISO8601DateFormatter().string(from: $0), reason: "ongoing investigation") },
            emergency: emergency ? .init(justification: "ongoing attack") : nil)
        var signed = order
        if tamper { signed.statement += " (edited)" }
        let signature = try frSigner.signature(for: signed.canonicalBytes).base64EncodedString()
        let orderJSON = try JSONSerialization.jsonObject(with: JSONEncoder().encode(order))
        return try await c.call(.post, "/v1/orders", key: frKey,
                                json: ["order": orderJSON, "signingKey": keyID, "signature": signature, "override": override])
    }

    /// Registers the FR authority's signing key; returns its id.
    func registerKey(_ c: HubClient) async throws -> String {
        let reply = try await c.call(.post, "/v1/signing-keys", key: frKey,
                                     json: ["publicKey": frSigner.publicKey.rawRepresentation.base64EncodedString()])
        return reply.object["id"] as? String ?? ""
    }
}

/// Polls `condition` every 50 ms for up to `seconds`.
func eventually(within seconds: Double = 5, _ condition: @Sendable () async throws -> Bool) async throws -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}
