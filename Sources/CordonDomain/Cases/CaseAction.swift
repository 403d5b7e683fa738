import Foundation

/// Something one side does to a case. ``CaseAction/transition(kind:state:pause:reinstatable:by:)``
/// is the whole state machine: it says what the case becomes, or why it cannot.
public enum CaseAction: Sendable, Hashable {
    /// The platform confirms the case reached it.
    case acknowledge
    /// The platform cannot comply with an order: the clock pauses.
    case reportInability(InabilityReason, detail: String)
    /// The platform's obstacle has ended: the clock starts again.
    case resume
    /// The issuer answers a clarification request: the clock starts again.
    case clarify(String)
    /// The platform removed the content or disabled access to it, at a time.
    case confirmRemoval(RemovalAction, at: Date?)
    /// The platform declines a referral, with its reason.
    case refuse(String)
    /// The issuer withdraws the case.
    case withdraw(String)
    /// The platform puts removed content back (after an upheld complaint or a struck-down order).
    case reinstate

    /// The name used in the API and the audit log.
    public var name: String {
        switch self {
        case .acknowledge: "acknowledge"
        case .reportInability: "report-inability"
        case .resume: "resume"
        case .clarify: "clarify"
        case .confirmRemoval: "confirm-removal"
        case .refuse: "refuse"
        case .withdraw: "withdraw"
        case .reinstate: "reinstate"
        }
    }

    /// Which side may take this action.
    public var party: CaseParty {
        switch self {
        case .clarify, .withdraw: .issuer
        default: .platform
        }
    }

    /// What happens to an order's one-hour clock.
    public enum ClockEffect: Sendable, Hashable {
        case none
        /// Stops: no deadline while the obstacle lasts.
        case pause
        /// Starts again: a full hour from now (Art. 3(7), 3(8)).
        case restart
        /// The case is closed; no more alerts.
        case stop
    }

    /// The state after this action, and what it does to the clock; or why it is refused.
    /// - Parameters:
    ///   - pause: why the case is suspended, when it is.
    ///   - reinstatable: whether a complaint was upheld or the order struck down.
    public func transition(
        kind: CaseKind, state: CaseState, pause: InabilityReason?, reinstatable: Bool, by party: CaseParty
    ) throws(RuleError) -> (state: CaseState, clock: ClockEffect) {
        guard party == self.party else {
            throw .forbidden("action", "only the \(self.party == .issuer ? "issuer" : "platform") of a case can \(name) it")
        }
        func refuse(_ allowed: String) -> RuleError {
            .conflict("action", "cannot \(name) a case that is \(state.rawValue); this is possible only when it is \(allowed)")
        }
        switch self {
        case .acknowledge:
            guard state == .received else { throw refuse("received") }
            return (.acknowledged, .none)
        case .reportInability(_, let detail):
            guard kind == .removalOrder else {
                throw .conflict("action", "a referral has no deadline to pause: refuse it with a reason instead")
            }
            guard state == .received || state == .acknowledged else { throw refuse("received or acknowledged") }
            guard !detail.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw .invalid("detail", "say what prevents compliance, or what information is missing")
            }
            return (.suspended, .pause)
        case .resume, .clarify:
            guard state == .suspended, let pause else { throw refuse("suspended") }
            guard pause.resumedBy == self.party else {
                throw .conflict("action", pause.resumedBy == .issuer
                    ? "a case suspended for \(pause.rawValue) restarts when the issuer clarifies it"
                    : "a case suspended for \(pause.rawValue) restarts when the platform reports the obstacle has ended")
            }
            if case .clarify(let text) = self, text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw .invalid("clarification", "the clarification must not be empty")
            }
            return (.acknowledged, .restart)
        case .confirmRemoval:
            guard state.isOpen else { throw refuse("received, acknowledged or suspended") }
            return (.removed, .stop)
        case .refuse(let reason):
            guard kind == .referral else {
                throw .conflict("action", "a removal order cannot be refused: report inability, or request scrutiny of the order")
            }
            guard state.isOpen else { throw refuse("received or acknowledged") }
            guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw .invalid("reason", "a refusal needs a reason (for example, which terms the content does not breach)")
            }
            return (.refused, .stop)
        case .withdraw:
            guard state.isOpen else { throw refuse("received, acknowledged or suspended") }
            return (.withdrawn, .stop)
        case .reinstate:
            guard state == .removed else { throw refuse("removed") }
            guard reinstatable else {
                throw .conflict("action", "content is reinstated only after an upheld complaint or a struck-down order")
            }
            return (.reinstated, .none)
        }
    }
}
