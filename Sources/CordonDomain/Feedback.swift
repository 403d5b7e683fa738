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

    /// Whether it counts against the signal in the dispute rule.
    public var isDissent: Bool { self == .falsePositive || self == .disagreeLabels }
}

/// Where a signal stands.
public enum SignalStatus: String, Codable, Sendable, CaseIterable {
    /// Matchable.
    case active
    /// Still matchable, but marked: enough members disagreed.
    case disputed
    /// Withdrawn by its contributor: never matches; mirrors receive a tombstone.
    case retracted
}

/// When dissent marks a signal disputed: at least `minimumOrganisations` distinct
/// organisations other than the contributors reported a false positive or disagreed.
public struct DisputeRule: Codable, Sendable, Hashable {
    public var minimumOrganisations: Int

    public static let `default` = DisputeRule(minimumOrganisations: 2)

    public init(minimumOrganisations: Int) {
        self.minimumOrganisations = max(1, minimumOrganisations)
    }

    /// The status a signal has given the organisations that dissented.
    public func status(current: SignalStatus, dissentingOrganisations: Int) -> SignalStatus {
        guard current != .retracted else { return .retracted }
        return dissentingOrganisations >= minimumOrganisations ? .disputed : .active
    }
}

/// How a signal changed, as the mirror feed reports it.
public enum ChangeKind: String, Codable, Sendable, CaseIterable {
    case added
    case updated
    case retracted
}
