/// What happened to a case, as both sides are told (server-sent events and webhooks).
public enum CaseEventKind: String, Codable, Sendable, CaseIterable {
    case received = "case-received"
    case acknowledged = "case-acknowledged"
    case suspended = "case-suspended"
    case restarted = "case-restarted"
    case removed = "case-removed"
    case refused = "case-refused"
    case withdrawn = "case-withdrawn"
    case reinstated = "case-reinstated"
    case deadlineIn15Minutes = "deadline-15-minutes"
    case deadlineIn5Minutes = "deadline-5-minutes"
    case deadlineBreached = "deadline-breached"
    case urlGone = "url-gone"
    case complaintFiled = "complaint-filed"
    case complaintDecided = "complaint-decided"
    case scrutinyRequested = "scrutiny-requested"
    case scrutinyDecided = "scrutiny-decided"
    case reinstatementRequired = "reinstatement-required"

    public init(_ alert: DeadlineAlert) {
        switch alert {
        case .fifteenMinutes: self = .deadlineIn15Minutes
        case .fiveMinutes: self = .deadlineIn5Minutes
        case .breach: self = .deadlineBreached
        }
    }

    /// The event a state change sends.
    public init(entering state: CaseState, restarted: Bool) {
        switch state {
        case .received: self = .received
        case .acknowledged: self = restarted ? .restarted : .acknowledged
        case .suspended: self = .suspended
        case .removed: self = .removed
        case .refused: self = .refused
        case .withdrawn: self = .withdrawn
        case .reinstated: self = .reinstated
        }
    }
}

/// How a complaint or a scrutiny ends.
public enum ReviewOutcome: String, Codable, Sendable, CaseIterable {
    /// The complaint is upheld (content goes back), or the order is confirmed.
    case upheld
    /// The complaint is rejected.
    case rejected
    /// The order is struck down on scrutiny (content goes back).
    case struckDown = "struck-down"
}
