import Foundation
import Testing

@testable import CordonDomain

@Suite struct SignalRulesTests {
    @Test func valuesAreNormalisedToLowercaseHex() throws {
        #expect(try SignalType.pdq.normalise(" " + String(repeating: "AB", count: 32) + "\n") == String(repeating: "ab", count: 32))
        #expect(try SignalType.md5.normalise(String(repeating: "0", count: 32)).count == 32)
        #expect(throws: SignalValueError.self) { try SignalType.sha256.normalise(String(repeating: "0", count: 32)) }
        #expect(throws: SignalValueError.self) { try SignalType.md5.normalise(String(repeating: "x", count: 32)) }
        #expect(throws: SignalValueError.self) { try SignalType.pdq.normalise("") }
    }

    @Test func submissionsNameTheFieldAtFault() {
        let bad: [(SignalSubmission, String)] = [
            (SignalSubmission(type: .pdq, value: "12"), "value"),
            (SignalSubmission(type: .md5, value: String(repeating: "a", count: 32), confidence: -0.1), "confidence"),
            (SignalSubmission(type: .md5, value: String(repeating: "a", count: 32), confidence: .nan), "confidence"),
            (SignalSubmission(type: .md5, value: String(repeating: "a", count: 32), item: String(repeating: "i", count: 201)), "item"),
            // Labels live in every replica's memory (review finding F9): bounded.
            (SignalSubmission(type: .md5, value: String(repeating: "a", count: 32),
                              labels: SignalLabels(entity: String(repeating: "e", count: 201))), "labels.entity"),
            (SignalSubmission(type: .md5, value: String(repeating: "a", count: 32),
                              labels: SignalLabels(incident: String(repeating: "e", count: 100_000))), "labels.incident"),
            (SignalSubmission(type: .md5, value: String(repeating: "a", count: 32),
                              labels: SignalLabels(categories: Array(repeating: .threat, count: 10_000))), "labels"),
        ]
        for (submission, field) in bad {
            #expect(throws: FieldError.self) { try submission.validated() }
            do {
                _ = try submission.validated()
            } catch {
                #expect(error.field == field)
            }
        }
    }

    @Test func labelsDefaultToEmptyAndRejectUnknownTerms() throws {
        let submission = try JSONDecoder().decode(SignalSubmission.self, from: Data(#"{"type":"md5","value":"x"}"#.utf8))
        #expect(submission.labels == SignalLabels() && submission.confidence == 1)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(SignalLabels.self, from: Data(#"{"behaviours":["cats"]}"#.utf8))
        }
        let labels = try JSONDecoder().decode(SignalLabels.self, from: Data(#"{"categories":["instruction"],"behaviours":["attacker-manifesto"]}"#.utf8))
        #expect(labels.categories == [.instruction] && labels.behaviours == [.attackerManifesto])
    }

    @Test func disputeRuleCountsDistinctDissentersAndKeepsRetractions() {
        let rules = SafeguardRules(dispute: DisputeRule(minimumOrganisations: 2), quarantineAfter: 10)
        let (a, b, contributor) = (UUID(), UUID(), UUID())
        func status(_ events: [(UUID, FeedbackKind)], current: SignalStatus = .active) -> SignalStatus {
            rules.status(current: current, events: events.map { .init(organisation: $0.0, kind: $0.1) }, contributors: [contributor], reviewDue: false)
        }
        #expect(status([(a, .falsePositive), (a, .disagreeLabels)]) == .active)
        #expect(status([(a, .falsePositive), (b, .disagreeLabels)]) == .disputed)
        // The contributor's own dissent does not count.
        #expect(status([(a, .falsePositive), (contributor, .falsePositive)]) == .active)
        #expect(status([(a, .falsePositive), (b, .falsePositive)], current: .retracted) == .retracted)
        #expect(DisputeRule(minimumOrganisations: 0).minimumOrganisations == 1)
        #expect(FeedbackKind.falsePositive.isDissent && !FeedbackKind.seenToo.isDissent)
    }

    @Test func rolesGrantWhatTheirNamesSay() {
        #expect(Role.admin.canAdminister && Role.admin.canContribute && Role.admin.canAudit)
        #expect(Role.contributor.canContribute && !Role.contributor.canAdminister)
        #expect(Role.consumer.canRead && !Role.consumer.canContribute)
        #expect(Role.auditor.canAudit && !Role.auditor.canRead)
        #expect(CollectionAccess.readWrite.canWrite && !CollectionAccess.read.canWrite)
    }
}
