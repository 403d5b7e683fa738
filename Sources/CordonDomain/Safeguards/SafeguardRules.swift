import Foundation

/// When a signal stops being actionable: enough organisations dissent (disputed), or
/// enough false positives are confirmed on platforms, or its review-by date passes
/// (quarantined). Either way it still matches, marked review-only, until one of its
/// contributors confirms it again; only what came after that confirmation counts.
public struct SafeguardRules: Codable, Sendable, Hashable {
    public var dispute: DisputeRule
    /// Confirmed false positives (left up as not violating, or reinstated after an
    /// appeal) that quarantine a signal.
    public var quarantineAfter: Int
    /// How long a signal shared into an incident's collection stays actionable before its
    /// contributor must look at it again (incident material ages; see DOMAIN.md).
    public var incidentReviewAfter: TimeInterval

    public static let `default` = SafeguardRules(dispute: .default, quarantineAfter: 3, incidentReviewAfter: 180 * 86_400)

    public init(dispute: DisputeRule = .default, quarantineAfter: Int = 3, incidentReviewAfter: TimeInterval = 180 * 86_400) {
        self.dispute = dispute
        self.quarantineAfter = max(1, quarantineAfter)
        self.incidentReviewAfter = max(86_400, incidentReviewAfter)
    }

    /// One piece of feedback as the rules read it.
    public struct Event: Sendable, Hashable {
        public var organisation: UUID
        public var kind: FeedbackKind

        public init(organisation: UUID, kind: FeedbackKind) {
            self.organisation = organisation
            self.kind = kind
        }
    }

    /// The feedback that still counts: what came after the last confirmation by one of
    /// the `contributors`, in the order given (oldest first).
    public static func sinceConfirmation(_ events: [Event], contributors: Set<UUID>) -> ArraySlice<Event> {
        guard let last = events.lastIndex(where: { $0.kind == .confirmed && contributors.contains($0.organisation) }) else {
            return events[...]
        }
        return events[(last + 1)...]
    }

    /// The status a signal has, given all its feedback oldest first, its contributors, and
    /// whether its review-by date has passed. A retraction is never undone here.
    public func status(current: SignalStatus, events: [Event], contributors: Set<UUID>, reviewDue: Bool) -> SignalStatus {
        guard current != .retracted else { return .retracted }
        let counting = Self.sinceConfirmation(events, contributors: contributors)
        let falsePositives = counting.count { $0.kind.isFalsePositive }
        if reviewDue || falsePositives >= quarantineAfter { return .quarantined }
        let dissenters = Set(counting.filter { $0.kind.isDissent && !contributors.contains($0.organisation) }.map(\.organisation))
        return dissenters.count >= dispute.minimumOrganisations ? .disputed : .active
    }
}
