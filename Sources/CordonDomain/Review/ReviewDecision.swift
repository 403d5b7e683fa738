/// What a mirror's moderator decides about a matched upload.
public enum ReviewDecision: String, Codable, Sendable, CaseIterable {
    case remove
    case leaveUp = "leave-up"
    /// Sent to someone with more authority (the platform's own process); the case stays decided.
    case escalate

    /// Altitude's word for it, kept in the verdict so Altitude receivers keep working.
    public var altitudeDecision: String {
        switch self {
        case .remove: "BLOCK"
        case .leaveUp: "APPROVE"
        case .escalate: "ESCALATE"
        }
    }

    /// Why: a category of the taxonomy, or one of these two.
    public static let otherReasons = ["not-violating", "needs-context"]

    /// Whether `reason` may explain a decision.
    public static func isReason(_ reason: String) -> Bool {
        ContentCategory(rawValue: reason) != nil || otherReasons.contains(reason)
    }

    /// The reasons, for error messages and forms.
    public static var reasons: [String] { ContentCategory.allCases.map(\.rawValue) + otherReasons }
}

/// What a mirror tells the platform, by pull (`GET /v1/verdicts`) and by webhook.
public enum ReviewEventKind: String, Codable, Sendable, CaseIterable {
    case caseOpened = "case-opened"
    /// Published once the undo window has passed (at once when automated).
    case decision
    case caseClosed = "case-closed"
    /// The content was removed on signals all since retracted at the hub.
    case reinstatementDue = "reinstatement-due"
    /// The user's appeal against a removal was decided (its outcome in the detail).
    case appealDecided = "appeal-decided"
}

/// How a user's appeal against a removal ended (DSA Art. 20, TCO Art. 10). A
/// reinstatement is fed back to the hub on the matched signals, without user data.
public enum AppealOutcome: String, Codable, Sendable, CaseIterable {
    /// The content is back up: the removal was wrong.
    case reinstated
    /// The removal stands.
    case upheld
}
