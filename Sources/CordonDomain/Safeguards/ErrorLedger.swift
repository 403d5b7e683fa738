/// What platforms reported about matches on a signal (or on a group of signals): how
/// often it matched, what was done, and how often that was wrong. The observed
/// false-positive rate is the share of decisions that turned out wrong.
public struct ErrorLedger: Codable, Sendable, Hashable {
    /// Matches at the hub (counted as they happen, per signal).
    public var matches = 0
    /// Removals reported (`seen-too`).
    public var actions = 0
    /// Matched content a moderator left up as not violating.
    public var falsePositives = 0
    /// Users' appeals against removals.
    public var appeals = 0
    /// Removals reversed after an appeal.
    public var reinstatements = 0
    /// Label disagreements.
    public var labelDisagreements = 0
    /// Times a contributor confirmed the signal after review.
    public var confirmations = 0

    public init() {}

    /// Counts one piece of feedback.
    public mutating func add(_ kind: FeedbackKind) {
        switch kind {
        case .seenToo: actions += 1
        case .falsePositive: falsePositives += 1
        case .appealed: appeals += 1
        case .reinstated: reinstatements += 1
        case .disagreeLabels: labelDisagreements += 1
        case .confirmed: confirmations += 1
        case .helpful: break
        }
    }

    public mutating func add(_ other: ErrorLedger) {
        matches += other.matches
        actions += other.actions
        falsePositives += other.falsePositives
        appeals += other.appeals
        reinstatements += other.reinstatements
        labelDisagreements += other.labelDisagreements
        confirmations += other.confirmations
    }

    /// Decisions a platform took on a match: removed, or left up.
    public var decisions: Int { actions + falsePositives }

    /// Wrong decisions (left up as not violating, or removed then reinstated) per
    /// decision; nil before any decision.
    public var falsePositiveRate: Double? {
        decisions == 0 ? nil : Double(falsePositives + reinstatements) / Double(decisions)
    }
}
