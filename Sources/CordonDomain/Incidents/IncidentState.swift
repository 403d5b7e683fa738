import Foundation

/// Where an incident stands. Proposed by one organisation; activated and later concluded
/// by a quorum of the operating board; a proposal the board never took up is withdrawn.
public enum IncidentState: String, Codable, Sendable, CaseIterable {
    case proposed, active, concluded, withdrawn

    /// Whether members may still contribute hashes, URLs and reports.
    public var acceptsContributions: Bool { self == .active }
}

/// What a board member votes for.
public enum BoardDecision: String, Codable, Sendable, CaseIterable {
    case activate, conclude

    /// The state the vote moves the incident from, and the one it moves it to.
    var transition: (from: IncidentState, to: IncidentState) {
        switch self {
        case .activate: (.proposed, .active)
        case .conclude: (.active, .concluded)
        }
    }
}

/// The board's rule: no organisation decides alone. A vote counts once per organisation;
/// the decision takes effect when `quorum` distinct board organisations have voted for it.
public enum IncidentBoard {
    /// The state after a board member's vote, or `nil` while the quorum is not reached.
    /// - Parameters:
    ///   - votes: the organisations that had voted for `decision` before this vote.
    public static func vote(
        _ decision: BoardDecision, by voter: UUID, state: IncidentState, criteria: IncidentCriteria,
        votes: Set<UUID>, rules: CrisisRules
    ) throws(RuleError) -> IncidentState? {
        let (from, to) = decision.transition
        guard state == from else {
            throw .conflict("decision", "the incident is \(state.rawValue); '\(decision.rawValue)' needs it \(from.rawValue)")
        }
        if decision == .activate, !criteria.allMet {
            throw .conflict("criteria", "activation needs every criterion met (missing: \(criteria.missing.joined(separator: ", "))); "
                + "withdraw it and propose it again once every criterion is met")
        }
        guard !votes.contains(voter) else {
            throw .conflict("decision", "your organisation has already voted to \(decision.rawValue) this incident; another board member must vote")
        }
        return votes.count + 1 >= rules.quorum ? to : nil
    }
}
