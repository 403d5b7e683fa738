/// What a member says about another member's signal.
public enum FeedbackKind: String, Codable, Sendable, CaseIterable {
    /// "We removed this too."
    case seenToo = "seen-too"
    /// "This is not terrorist content."
    case falsePositive = "false-positive"
    /// "The content is right but the labels are wrong."
    case disagreeLabels = "disagree-labels"
    /// "This helped us."
    case helpful
    /// "A user appealed our removal of content matched on this signal" (DSA Art. 20,
    /// TCO Art. 10). Carries no user data: only that an appeal was made.
    case appealed
    /// "We reinstated that content after the appeal": a false positive confirmed by a
    /// second, human look.
    case reinstated
    /// The contributor stands by the signal after review: it is actionable again. Given
    /// through `POST /v1/signals/{id}/confirm`, never as plain feedback.
    case confirmed

    /// Whether it counts against the signal in the dispute rule.
    public var isDissent: Bool { self == .falsePositive || self == .disagreeLabels || self == .reinstated }

    /// Whether it is a false positive observed on a platform: a moderator left matched
    /// content up as not violating, or reinstated it after an appeal.
    public var isFalsePositive: Bool { self == .falsePositive || self == .reinstated }
}

/// Where a signal stands.
public enum SignalStatus: String, Codable, Sendable, CaseIterable {
    /// Matchable.
    case active
    /// Still matchable, but marked: enough members disagreed. Review-only until its
    /// contributor confirms it.
    case disputed
    /// Still matchable, but review-only: too many confirmed false positives, or its
    /// review-by date passed, until its contributor confirms it.
    case quarantined
    /// Withdrawn by its contributor: never matches; mirrors receive a tombstone.
    case retracted

    /// Whether a match on it may be acted on without a human look (automatic removal);
    /// a disputed or quarantined signal still matches, marked review-only.
    public var isActionable: Bool { self == .active }
}

/// When dissent marks a signal disputed: at least `minimumOrganisations` distinct
/// organisations other than the contributors reported a false positive or disagreed.
public struct DisputeRule: Codable, Sendable, Hashable {
    public var minimumOrganisations: Int

    public static let `default` = DisputeRule(minimumOrganisations: 2)

    public init(minimumOrganisations: Int) {
        self.minimumOrganisations = max(1, minimumOrganisations)
    }

}

/// How a signal changed, as the mirror feed reports it.
public enum ChangeKind: String, Codable, Sendable, CaseIterable {
    case added
    case updated
    case retracted
}
