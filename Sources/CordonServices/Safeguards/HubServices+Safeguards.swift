import CordonDomain
import CordonStore
import Foundation

/// Every hash answers for its errors: feedback (a platform's removal, a moderator's "not
/// violating", a user's appeal and its reinstatement) feeds each signal's error ledger and
/// moves it under ``SafeguardRules``; its contributors confirm it again; review-by dates
/// quarantine it when they pass. Mirrors honour all of it through the status on the feed.
extension HubServices {
    public func feedback(on id: Int, _ command: API.NewFeedback, by caller: Caller) async throws -> API.SignalOut {
        let signal = try await authorisedSignal(.giveFeedback, id, caller)
        guard command.kind != .confirmed else {
            throw ServiceError.invalid("kind", "a contributor confirms a signal with POST /v1/signals/\(id)/confirm, not as feedback")
        }
        let comment = try Validation.note(command.comment, field: "comment")
        if let distance = command.distance, !(0...256).contains(distance) {
            throw ServiceError.invalid("distance", "distance is the match's PDQ distance, 0 to 256; got \(distance)")
        }
        // The hub signs each event, so a platform's reinstatement after an appeal can be shown
        // to anyone holding the hub's key, without any user data in it.
        let at = now()
        let signed = try notary.sign(API.FeedbackStatement(signal: signal.id, kind: command.kind, organisation: caller.organisationID,
                                                           at: HubStore.iso(at), distance: command.distance))
        let updated = try await storeCall {
            try await store.addFeedback(signalID: signal.id, kind: command.kind, comment: comment, distance: command.distance,
                                        signed: String(decoding: try JSONEncoder().encode(signed), as: UTF8.self),
                                        rules: configuration.safeguards, now: at, by: caller)
        }
        try await signalsChanged()
        return .init(updated)
    }

    /// One of the signal's contributors (or its collection's owner) stands by it after
    /// review: matches on it may be acted on again until new errors count up.
    public func confirm(_ id: Int, _ command: API.Confirmation, by caller: Caller) async throws -> API.SignalLedger {
        let signal = try await authorisedSignal(.confirmSignal, id, caller)
        let comment = try Validation.note(command.comment, field: "comment")
        let reviewBy = try command.reviewBy.map { try Validation.date($0, field: "reviewBy") }
        if let reviewBy, reviewBy <= now() {
            throw ServiceError.invalid("reviewBy", "reviewBy must be in the future; it is when the signal is due for review again")
        }
        _ = try await storeCall {
            try await store.confirm(signalID: signal.id, comment: comment, reviewBy: reviewBy, rules: configuration.safeguards,
                                    now: now(), by: caller)
        }
        try await signalsChanged()
        return try await ledger(of: id, by: caller)
    }

    /// The signal's error ledger and standing.
    public func ledger(of id: Int, by caller: Caller) async throws -> API.SignalLedger {
        let signal = try await authorisedSignal(.readSignal, id, caller)
        let facts = try await store.ledgerFacts(signalID: id)
        var ledger = ErrorLedger()
        ledger.matches = facts.matches[id] ?? 0
        for feedback in facts.feedback { ledger.add(feedback.kind) }
        let review = try await store.reviewBy(signalID: id)
        let organisations = try await store.organisations(signal.contributors.prefix(1))
        let origin = organisations.values.first.flatMap { OrganisationKind(rawValue: $0.kind) }.map(SignalOrigin.init) ?? .hub
        let events = facts.feedback.map { feedback in
            API.SignalLedger.Event(kind: feedback.kind, at: feedback.at, distance: feedback.distance,
                                   signed: feedback.signed.flatMap { try? JSONDecoder().decode(SignedStatement.self, fromUntrusted: Data($0.utf8)) })
        }
        return API.SignalLedger(
            signal: .init(signal), origin: origin, actionable: signal.status.isActionable, ledger: ledger, events: events,
            falsePositiveRate: ledger.falsePositiveRate,
            reason: reason(signal, facts: facts, reviewDue: review.map { $0.date <= now() } ?? false),
            reviewBy: review?.date, reviewReason: review?.reason)
    }

    /// Why a signal is not actionable, in one word; nil when it is.
    private func reason(_ signal: StoredSignal, facts: HubStore.LedgerFacts, reviewDue: Bool) -> String? {
        switch signal.status {
        case .active: nil
        case .retracted: "retracted"
        case .disputed: "disputed"
        case .quarantined:
            SafeguardRules.sinceConfirmation(facts.feedback.map { .init(organisation: $0.organisationID, kind: $0.kind) },
                                             contributors: Set(signal.contributors))
                .count(where: \.kind.isFalsePositive) >= configuration.safeguards.quarantineAfter
                ? "false-positives" : reviewDue ? "review-due" : "quarantined"
        }
    }

    /// The ledger summed by `dimension`: `label`, `contributor`, `algorithm` or `origin`.
    public func ledgerReport(by dimension: String, caller: Caller) async throws -> API.LedgerReport {
        try authorise(.readLedger, caller)
        guard let by = LedgerDimension(rawValue: dimension) else {
            throw ServiceError.invalid("by", "by is one of \(LedgerDimension.allCases.map(\.rawValue).joined(separator: ", ")); got '\(dimension)'")
        }
        let facts = try await store.ledgerFacts()
        let organisations = Dictionary(uniqueKeysWithValues: try await store.organisations().map { ($0.id!, $0) })
        var rows: [String: (ledger: ErrorLedger, signals: Set<Int>)] = [:]
        func add(_ signalID: Int, distance: Int?, _ body: (inout ErrorLedger) -> Void) {
            guard let signal = facts.signals[signalID] else { return }
            for key in by.keys(signal, distance: distance, kinds: { organisations[$0].flatMap { OrganisationKind(rawValue: $0.kind) } }) {
                body(&rows[key, default: (ErrorLedger(), [])].ledger)
                rows[key]!.signals.insert(signalID)
            }
        }
        for (signalID, matches) in facts.matches { add(signalID, distance: nil) { $0.matches += matches } }
        for feedback in facts.feedback { add(feedback.signalID, distance: feedback.distance) { $0.add(feedback.kind) } }
        return API.LedgerReport(by: by.rawValue, rows: rows.sorted { $0.key < $1.key }.map { key, row in
            let name = by == .contributor ? UUID(uuidString: key).flatMap { organisations[$0]?.name } ?? key : key
            return .init(key: key, name: name, signals: row.signals.count, ledger: row.ledger, falsePositiveRate: row.ledger.falsePositiveRate)
        })
    }

    /// A government changed `entity`'s designation: every signal labelled with it is due
    /// for review now, and quarantined until a contributor confirms it.
    public func recordDesignationChange(_ change: API.DesignationChange, by caller: Caller) async throws -> API.DesignationChangeOut {
        try authorise(.recordDesignationChange, caller)
        let entity = change.entity.trimmingCharacters(in: .whitespaces)
        guard (1...200).contains(entity.count) else {
            throw ServiceError.invalid("entity", "name the entity as signals label it (1 to 200 characters)")
        }
        let note = try Validation.note(change.note, field: "note")
        let ids = catalog.signalIDs(labelledWithEntity: entity)
        try await store.setReviewBy(ids, at: now(), reason: "designation", by: caller, detail: ["entity": entity, "note": note])
        let quarantined = try await sweepDueReviews()
        return API.DesignationChangeOut(entity: entity, signalsDue: ids.count, quarantined: quarantined)
    }

    /// Quarantines the signals whose review-by date has passed (the desk worker calls it
    /// every half minute); returns how many moved.
    @discardableResult
    public func sweepDueReviews() async throws -> Int {
        var moved = 0
        while true {
            let changes = try await store.quarantineDueSignals(now: now(), rules: configuration.safeguards)
            guard !changes.isEmpty else { return moved }
            moved += changes.count
            try await signalsChanged(changes)
        }
    }

    /// Signals shared into an incident's collection are due for review after
    /// ``SafeguardRules/incidentReviewAfter``.
    func scheduleIncidentReview(_ signalIDs: [Int]) async throws {
        try await store.setReviewBy(signalIDs, at: now().addingTimeInterval(configuration.safeguards.incidentReviewAfter), reason: "incident")
    }
}

/// What the ledger report sums over.
enum LedgerDimension: String, CaseIterable {
    case label, contributor, algorithm, origin

    /// The rows a signal's figures count in.
    func keys(_ signal: StoredSignal, distance: Int?, kinds: (UUID) -> OrganisationKind?) -> [String] {
        switch self {
        case .label:
            let labels = signal.labels.categories.map { "category:\($0.rawValue)" } + signal.labels.behaviours.map { "behaviour:\($0.rawValue)" }
                + (signal.labels.entity.map { ["entity:\($0)"] } ?? [])
            return labels.isEmpty ? ["unlabelled"] : labels
        case .contributor:
            return signal.contributors.map(\.uuidString)
        case .algorithm:
            guard let distance, signal.type == .pdq || signal.type == .vpdq else { return [signal.type.rawValue] }
            let band = switch distance {
            case 0: "0"
            case 1...10: "1-10"
            case 11...20: "11-20"
            case 21...31: "21-31"
            default: "32+"
            }
            return ["\(signal.type.rawValue) at distance \(band)"]
        case .origin:
            return [(signal.contributors.first.flatMap(kinds).map(SignalOrigin.init) ?? .hub).rawValue]
        }
    }
}
