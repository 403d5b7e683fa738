import CordonDomain
import CordonServices
import CordonStore
import Crypto
import Foundation
import PDQ
import VideoFeatures

/// `cordon serve --demo`: organisations of every kind with a person each, and a hub with
/// something in it — a hash list of generated images, a referral, a removal order whose
/// hour is running, a drill incident — made through the same use cases as everything else.
enum DemoHub {
    static let password = "cordon-demo-2026"

    struct Login {
        var kind: OrganisationKind
        var organisation: String
        var email: String
    }

    static let members: [(OrganisationKind, String, String, String?)] = [
        (.operator, "Hub operator", "operator@demo.cordon", nil),
        (.platform, "Demo Platform", "moderator@demo.cordon", "DE"),
        (.authority, "Demo Police Authority", "police@demo.cordon", "DE"),
        (.referralUnit, "Demo Referral Unit", "iru@demo.cordon", nil),
        (.trustedFlagger, "Demo Civil Society", "flagger@demo.cordon", nil),
        (.auditor, "Demo Auditor", "auditor@demo.cordon", nil),
        (.partner, "Demo Exit Programme", "partner@demo.cordon", nil),
    ]

    /// Makes what is missing (a second run on the same database adds nothing) and returns
    /// the logins.
    static func prepare(_ services: HubServices) async throws -> [Login] {
        let store = services.store
        var organisations: [OrganisationKind: OrganisationRecord] = [:]
        var fresh: Set<OrganisationKind> = []
        for (kind, name, email, state) in members {
            var organisation = try await store.organisations().first { $0.name == name }
            if organisation == nil { organisation = try await store.createOrganisation(name: name, kind: kind, memberState: state, by: nil) }
            guard let organisation else { continue }
            organisations[kind] = organisation
            if try await store.user(email: email) == nil {
                fresh.insert(kind)
                _ = try await services.createUser(
                    in: organisation.id!,
                    try API.command(API.NewUser.self, ["name": "Demo \(kind.rawValue)", "email": email, "password": password,
                                                       "role": "admin"]),
                    by: nil)
            }
        }
        if fresh.contains(.platform) { try await fill(services, organisations) }
        if fresh.contains(.partner) { try await fillCivilSociety(services, organisations) }
        return members.map { Login(kind: $0.0, organisation: $0.1, email: $0.2) }
    }

    private static func caller(_ organisation: OrganisationRecord) -> Caller {
        Caller(organisationID: organisation.id!, organisationName: organisation.name,
               kind: OrganisationKind(rawValue: organisation.kind)!, keyID: UUID(), role: .admin)
    }

    private static func fill(_ services: HubServices, _ organisations: [OrganisationKind: OrganisationRecord]) async throws {
        let operator_ = caller(organisations[.operator]!)
        let platform = caller(organisations[.platform]!)
        let authority = caller(organisations[.authority]!)
        let unit = caller(organisations[.referralUnit]!)
        // A hash list of generated pictures (smooth random patterns: PDQ of high quality).
        let collections = try await services.collections(platform)
        var list = collections.first { $0.name == "terrorist-content" }
        if list == nil {
            list = try await services.createCollection(
                try API.command(API.NewCollection.self, ["name": "terrorist-content", "description": "Demo shared hash list"]), by: platform)
        }
        guard let list else { return }
        var generator = SystemRandomNumberGenerator()
        var signals: [SignalSubmission] = []
        for index in 0..<24 {
            let size = 64
            let phase = (Double.random(in: 0...6, using: &generator), Double.random(in: 0...6, using: &generator))
            let values = (0..<size * size).map { i -> Float in
                let x = Double(i % size) / 8, y = Double(i / size) / 8
                return Float(128 + 60 * sin(x + phase.0) * cos(y * 0.7 + phase.1) + 40 * sin((x + y) * 0.5 + Double(index)))
            }
            let hash = PDQHasher().hash(LumaImage(width: size, height: size, values: values)).hash.hex
            signals.append(SignalSubmission(type: .pdq, value: hash, labels: SignalLabels(
                categories: [[.incitement, .solicitation, .instruction][index % 3]], behaviours: [[.glorification, .recruitment, .instructional][index % 3]])))
        }
        // And three videos: a second a frame, each frame a drifting pattern like the pictures'.
        for video in 0..<3 {
            var features: [VPDQFeature] = []
            for frame in 0..<20 {
                let size = 64
                let values = (0..<size * size).map { i -> Float in
                    let x = Double(i % size) / 8 + Double(frame) * 0.05, y = Double(i / size) / 8
                    return Float(128 + 70 * sin(x * 1.3 + Double(video)) * cos(y + Double(video) * 2))
                }
                let result = PDQHasher().hash(LumaImage(width: size, height: size, values: values))
                features.append(VPDQFeature(frameNumber: frame, quality: result.quality, hash: result.hash, timestamp: Float(frame)))
            }
            var submission = SignalSubmission(type: .vpdq, value: "", labels: SignalLabels(categories: [.incitement], behaviours: [.glorification]))
            submission.features = features
            signals.append(submission)
        }
        _ = try await services.submit(API.Submission(signals: signals, isBulk: true), to: list.id, minimal: true, by: platform)
        for member in [unit, authority] {
            try await services.setMembership(list.id, of: member.organisationID, try API.command(API.Membership.self, ["access": "read"]),
                                             by: platform)
        }
        // A referral from the referral unit, and a removal order from the authority, signed.
        _ = try await services.refer(try API.command(API.NewReferral.self, [
            "platform": platform.organisationID.uuidString, "urls": ["https://video.example/watch/demo-1"],
            "statement": "Recruitment video of a designated group.", "reference": "IRU-DEMO-1", "categories": ["solicitation"],
        ]), by: unit)
        let signer = Curve25519.Signing.PrivateKey()
        let key = try await services.registerSigningKey(
            try API.command(API.SigningKeyIn.self, ["publicKey": signer.publicKey.rawRepresentation.base64EncodedString()]), by: authority)
        // The platform's first order (twelve hours, Art. 3(2)), removed; then one whose hour runs.
        for (reference, url) in [("DE-DEMO-0", "https://video.example/watch/demo-0"), ("DE-DEMO-1", "https://video.example/watch/demo-2")] {
            let order = RemovalOrderContent(
                referenceNumber: reference, issuingAuthority: authority.organisationID, platform: platform.organisationID,
                urls: [url], reasons: [.incitement], statement: "Glorifies the attack of this morning.",
                legalBasis: "Regulation (EU) 2021/784, Art. 3", redress: "Appeal to the administrative court within one month.",
                issuedAt: HubStore.iso(services.now()))
            let signature = try signer.signature(for: order.canonicalBytes).base64EncodedString()
            let issued = try await services.issue(try API.command(API.NewOrder.self, [
                "order": try JSONSerialization.jsonObject(with: Data(order.canonicalBytes)), "signingKey": key.id.uuidString,
                "signature": signature,
            ]), by: authority)
            if reference == "DE-DEMO-0" {
                _ = try await services.act(on: issued.id, try API.command(API.ActionIn.self, ["action": "confirm-removal"]), by: platform)
            }
        }
        // A drill: proposed by the referral unit, activated by the board.
        for member in [platform, unit] {
            try await services.seatBoard(member.organisationID, try API.command(API.BoardSeat.self, ["seated": true]), by: operator_)
        }
        let drill = try await services.propose(try API.command(API.NewIncident.self, [
            "title": "Drill: livestreamed attack", "summary": "An exercise of the crisis protocol.", "location": "Exampletown",
            "occurredAt": HubStore.iso(services.now().addingTimeInterval(-1800)), "contentSeen": "perpetrator's livestream",
            "criteria": ["ongoingOrRecentAttack": true, "perpetratorProducedViolentContent": true, "presentOnMemberPlatforms": true],
            "drill": true,
        ]), by: unit)
        for member in [platform, unit] {
            _ = try await services.vote(on: drill.id, try API.command(API.VoteIn.self, ["decision": "activate"]), by: member)
        }
    }

    /// The civil-society side: the flagger registered as a trusted flagger with a notice in
    /// the platform's queue, a partner's campaign with some reach, and a shared hash whose
    /// removal was appealed and reversed.
    private static func fillCivilSociety(_ services: HubServices, _ organisations: [OrganisationKind: OrganisationRecord]) async throws {
        let operator_ = caller(organisations[.operator]!)
        let platform = caller(organisations[.platform]!)
        let flagger = caller(organisations[.trustedFlagger]!)
        let partner = caller(organisations[.partner]!)
        _ = try await services.registerTrustedFlagger(flagger.organisationID, try API.command(API.TrustedFlaggerIn.self, [
            "awardingAuthority": "Bundesnetzagentur (DE)", "expertise": ["incitement", "solicitation", "participation"], "responseHours": 24,
            "independence": "Funded by public grants and foundations; takes no money from platforms; its board has no platform staff.",
        ]), by: operator_)
        _ = try await services.submitNotice(try API.command(API.NoticeIn.self, [
            "platform": platform.organisationID.uuidString, "urls": ["https://video.example/watch/demo-3"],
            "explanation": "A recruitment video of a designated group, reported by a trained youth worker.",
            "notifierName": "Demo youth worker", "notifierEmail": "youth.worker@demo.cordon", "bonaFide": true, "categories": ["solicitation"],
        ]), by: flagger)
        let campaign = try await services.createCampaign(try API.command(API.CampaignIn.self, [
            "name": "Exit: there is a way out", "goal": "People drawn to violent groups reach a counsellor",
            "audience": "Young people who search for or share recruitment material", "message": "Others left; we help you do it safely.",
            "messenger": "Former members and counsellors", "media": "Short videos and a chat line", "callToAction": "Talk to a counsellor today",
            "languages": ["de", "en"], "ideologies": ["islamist", "far-right"],
            "labels": ["categories": ["incitement", "solicitation"], "behaviours": ["recruitment", "glorification"]],
            "countries": ["DE", "AT"], "landingPage": "https://exit.example/help", "helpline": "+49 30 0000 0000",
        ]), by: partner)
        _ = try await services.reportReach(campaign.id, try API.command(API.ReachIn.self, ["rows": [
            ["week": "2026-W48", "country": "DE", "impressions": 1840, "clicks": 57],
            ["week": "2026-W48", "country": "AT", "impressions": 6, "clicks": 1],
        ]]), by: platform)
        if let list = try await services.collections(platform).first(where: { $0.name == "terrorist-content" }),
           let signal = try await services.browse(list.id, .init(), limit: 1, by: platform).signals.first {
            for kind: FeedbackKind in [.seenToo, .appealed, .reinstated] {
                _ = try await services.feedback(on: signal.id, API.NewFeedback(kind: kind, distance: 6), by: platform)
            }
        }
    }
}
