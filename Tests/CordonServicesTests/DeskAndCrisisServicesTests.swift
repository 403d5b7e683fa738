import CordonDomain
@testable import CordonServices
import CordonStore
import Foundation
import Testing

/// The referral desk's and the crisis protocol's use cases called directly, as a page or
/// the mirror would call them: the same rules as over HTTP, with no HTTP.
@Suite struct DeskAndCrisisServicesTests {
    static func refusal(_ body: () async throws -> Void) async -> ServiceError? {
        do {
            try await body()
            return nil
        } catch let error as ServiceError {
            return error
        } catch {
            Issue.record("not a ServiceError: \(error)")
            return nil
        }
    }

    @Test func aReferralRunsFromIssueToPreservedEvidenceForItsPartiesOnly() async throws {
        let w = try await HubServicesTests.world()
        defer { Task { await w.close() } }
        let platform = try await HubServicesTests.member(w, "P", .platform, .contributor)
        let unit = try await HubServicesTests.member(w, "R", .referralUnit, .contributor)
        let stranger = try await HubServicesTests.member(w, "Q", .platform, .contributor)
        let overseer = try await HubServicesTests.member(w, "X", .auditor, .consumer)
        let referral = try await w.services.refer(.init(platform: platform.organisationID, urls: ["https://example.org/v/1"],
                                                        statement: "Recruitment video"), by: unit)
        #expect(try await w.services.cases(view: nil, kind: nil, state: nil, before: nil, limit: 10, by: platform).cases.map(\.id) == [referral.id])
        #expect(await Self.refusal { _ = try await w.services.case(referral.id, by: stranger) }?.code == .notFound)
        #expect(await Self.refusal { _ = try await w.services.refer(.init(platform: platform.organisationID, urls: ["https://example.org/v/2"],
                                                                          statement: "x"), by: stranger) }?.field == "organisation")
        _ = try await w.services.act(on: referral.id, .init(action: "confirm-removal"), by: platform)
        let complaint = try await w.services.fileComplaint(on: referral.id, .init(statement: "It is satire."), by: platform)
        #expect(await Self.refusal { _ = try await w.services.decideComplaint(complaint.id, .init(outcome: .upheld, reasons: "x"), by: unit) }?.code == .forbidden)
        _ = try await w.services.decideComplaint(complaint.id, .init(outcome: .rejected, reasons: "Propaganda, not satire."), by: platform)
        let kept = try await w.services.preserve(referral.id, .init(contentReference: "store/1", evidence: Data("clip".utf8).base64EncodedString()),
                                                 by: platform)
        #expect(try await w.services.evidence(kept.id, by: platform) == Array("clip".utf8))
        // The issuer may hold the record but not read the evidence; strangers learn nothing.
        #expect(await Self.refusal { _ = try await w.services.evidence(kept.id, by: unit) }?.code == .forbidden)
        let hidden = await Self.refusal { _ = try await w.services.evidence(kept.id, by: stranger) }
        #expect(hidden?.code == .notFound && hidden?.message.contains(referral.id.uuidString) == false, "\(String(describing: hidden))")
        let hiddenComplaint = await Self.refusal {
            _ = try await w.services.decideComplaint(complaint.id, .init(outcome: .upheld, reasons: "x"), by: stranger)
        }
        #expect(hiddenComplaint?.code == .notFound && hiddenComplaint?.message.contains(referral.id.uuidString) == false)
        _ = try await w.services.placeLegalHold(on: kept.id, .init(until: "2027-06-01T00:00:00Z"), by: unit)
        // Figures: one's own, or anyone's for oversight.
        let year = Calendar(identifier: .gregorian).component(.year, from: Date())
        #expect(try await w.services.transparency(of: nil, year: year, by: platform).asPlatform.referralsReceived == 1)
        #expect(await Self.refusal { _ = try await w.services.transparency(of: platform.organisationID, year: year, by: stranger) }?.code == .forbidden)
        #expect(try await w.services.transparency(of: platform.organisationID, year: year, by: overseer).asPlatform.referralsReceived == 1)
        #expect(try await w.services.caseEvents(since: 0, limit: 100, by: platform).events.count >= 3)
    }

    @Test func anIncidentIsVotedInSharedAndReportedByThoseWhoMay() async throws {
        let w = try await HubServicesTests.world()
        defer { Task { await w.close() } }
        let unit = try await HubServicesTests.member(w, "R", .referralUnit, .contributor)
        let boardA = try await HubServicesTests.member(w, "B1", .platform, .contributor)
        let boardB = try await HubServicesTests.member(w, "B2", .platform, .contributor)
        let overseer = try await HubServicesTests.member(w, "X", .auditor, .admin)
        let authority = try await HubServicesTests.member(w, "A", .authority, .contributor)
        for member in [boardA, boardB] { try await w.services.seatBoard(member.organisationID, .init(seated: true), by: w.operator_) }
        #expect(await Self.refusal { try await w.services.seatBoard(unit.organisationID, .init(seated: true), by: boardA) }?.field == "organisation")
        let criteria = IncidentCriteria(ongoingOrRecentAttack: true, perpetratorProducedViolentContent: true, presentOnMemberPlatforms: true)
        let proposed = try await w.services.propose(.init(title: "Attack", summary: "Livestreamed attack", location: "Halle",
                                                          occurredAt: "2026-11-23T10:00:00Z", contentSeen: "perpetrator video",
                                                          criteria: criteria), by: unit)
        #expect(await Self.refusal { _ = try await w.services.incident(proposed.id, by: authority) }?.code == .notFound)
        #expect(await Self.refusal { _ = try await w.services.vote(on: proposed.id, .init(decision: .activate), by: unit) }?.code == .forbidden)
        _ = try await w.services.vote(on: proposed.id, .init(decision: .activate), by: boardA)
        #expect(try await w.services.vote(on: proposed.id, .init(decision: .activate), by: boardB).state == "active")
        let hash = String(repeating: "3c", count: 32)
        _ = try await w.services.contributeHashes(.init(signals: [SignalSubmission(type: .pdq, value: hash)], isBulk: false), to: proposed.id, by: boardA)
        // Oversight observes: it cannot contribute.
        #expect(await Self.refusal { try await w.services.addNote(.init(note: "seen"), to: proposed.id, by: overseer) }?.field == "organisation")
        let matched = try await w.services.match(.init(hashes: [.init(type: .pdq, value: hash)], maxDistance: nil), incident: proposed.id, by: boardB)
        #expect(matched.results[0].matches.count == 1)
        let shared = try await w.services.shareURL(.init(url: "https://example.org/attack"), in: proposed.id, by: boardB)
        let referral = try await w.services.referSharedURL(shared.id, in: proposed.id, .init(platform: boardB.organisationID, statement: "Attack video"), by: unit)
        #expect(referral.platform == boardB.organisationID)
        try await w.services.reportMatches(.init(matches: 12), in: proposed.id, by: boardA)
        #expect(await Self.refusal { _ = try await w.services.report(on: proposed.id, by: unit) }?.code == .conflict)
        _ = try await w.services.vote(on: proposed.id, .init(decision: .conclude), by: boardA)
        _ = try await w.services.vote(on: proposed.id, .init(decision: .conclude), by: boardB)
        let report = try await w.services.report(on: proposed.id, by: overseer)
        #expect(report.urls.count == 1 && report.timeline.count > 5)
        #expect(try await w.services.picture(of: proposed.id, by: boardA).incident.state == "concluded")
    }
}
