import CordonDomain
import Foundation
import Testing

@Suite struct SafeguardRulesTests {
    let platform = UUID(), other = UUID(), contributor = UUID()

    func status(_ events: [(UUID, FeedbackKind)], rules: SafeguardRules = .init(quarantineAfter: 2), reviewDue: Bool = false) -> SignalStatus {
        rules.status(current: .active, events: events.map { .init(organisation: $0.0, kind: $0.1) }, contributors: [contributor], reviewDue: reviewDue)
    }

    @Test func confirmedFalsePositivesQuarantineEvenFromOnePlatform() {
        #expect(status([(platform, .seenToo), (platform, .appealed), (platform, .reinstated)]) == .active)
        #expect(status([(platform, .reinstated), (platform, .reinstated)]) == .quarantined)
        #expect(status([(platform, .falsePositive), (platform, .reinstated)]) == .quarantined)
        // Appeals alone are not false positives.
        #expect(status([(platform, .appealed), (platform, .appealed), (platform, .appealed)]) == .active)
    }

    @Test func aContributorsConfirmationStartsTheCountAgain() {
        let quarantined: [(UUID, FeedbackKind)] = [(platform, .reinstated), (other, .falsePositive)]
        #expect(status(quarantined) == .quarantined)
        #expect(status(quarantined + [(contributor, .confirmed)]) == .active)
        #expect(status(quarantined + [(contributor, .confirmed), (platform, .reinstated)]) == .active)
        #expect(status(quarantined + [(contributor, .confirmed), (platform, .reinstated), (platform, .reinstated)]) == .quarantined)
        // Only a contributor's confirmation counts.
        #expect(status(quarantined + [(platform, .confirmed)]) == .quarantined)
    }

    @Test func aPassedReviewByDateQuarantines() {
        #expect(status([], reviewDue: true) == .quarantined)
        #expect(!SignalStatus.quarantined.isActionable && !SignalStatus.disputed.isActionable && SignalStatus.active.isActionable)
    }

    @Test func theLedgerCountsDecisionsAndTheirErrors() {
        var ledger = ErrorLedger()
        #expect(ledger.falsePositiveRate == nil)
        for kind: FeedbackKind in [.seenToo, .seenToo, .seenToo, .falsePositive, .appealed, .reinstated, .helpful] { ledger.add(kind) }
        #expect(ledger.decisions == 4 && ledger.appeals == 1 && ledger.reinstatements == 1)
        #expect(ledger.falsePositiveRate == 0.5)
        var total = ErrorLedger()
        total.add(ledger)
        total.add(ledger)
        #expect(total.actions == 6 && total.falsePositiveRate == 0.5)
    }

    @Test func originSaysWhetherAGovernmentBodyContributed() {
        #expect(SignalOrigin(.authority) == .government && SignalOrigin(.referralUnit) == .government)
        #expect(SignalOrigin(.platform) == .industry && SignalOrigin(.trustedFlagger) == .civilSociety)
    }
}
