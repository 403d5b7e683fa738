import CordonDomain
import CordonStore
import Foundation

/// The review queue: cases with their evidence, decisions (one, or many at once), undo
/// within the window, publishing, the verdict feed, repeat uploaders and statements of reasons.
extension MirrorDesk {
    /// Cases in `state` (all when nil), newest first or by priority, after `cursor`.
    public func cases(state: String?, order: HubStore.ReviewOrder, cursor: String?, limit: Int, by caller: Caller) async throws -> CasePage {
        try services.mayAttempt(.listReviewCases, caller)
        if let state, !["open", "decided", "closed"].contains(state) {
            throw ServiceError.invalid("state", "state is open, decided or closed; got '\(state)'")
        }
        guard (1...1000).contains(limit) else { throw ServiceError.invalid("limit", "limit is 1 to 1,000; got \(limit)") }
        var after: HubStore.ReviewCase?
        if let cursor {
            guard let read = ReviewCursor(cursor, byPriority: order == .priority), var item = try await services.store.reviewCase(read.id) else {
                throw ServiceError.invalid("cursor", "pass the cursor of the previous page (\(order == .priority ? "priority:id" : "a case id"))")
            }
            if let priority = read.priority { item.priority = priority }
            after = item
        }
        let items = try await services.store.reviewCases(state: state, order: order, after: after, limit: limit)
        let out = try await evidence(items, by: caller)
        let next = items.count == limit ? items.last.map { ReviewCursor(priority: order == .priority ? $0.priority : nil, id: $0.id).text } : nil
        return CasePage(cases: out, next: next)
    }

    public func reviewCase(_ id: Int, by caller: Caller) async throws -> CaseOut {
        try services.mayAttempt(.listReviewCases, caller)
        guard let item = try await services.store.reviewCase(id) else { throw ServiceError.notFound("case", "no review case \(id)") }
        return try await evidence([item], by: caller)[0]
    }

    /// Decides an open case: remove, leave up or escalate, with a reason from the taxonomy.
    /// It reaches the platform once the undo window has passed.
    public func decide(_ id: Int, _ command: DecisionIn, by caller: Caller) async throws -> CaseOut {
        try await decide([id], fields: ["case"], command, by: caller)[0]
    }

    /// Decides up to 1,000 open cases alike, all or none.
    public func decide(_ command: BulkDecisionIn, by caller: Caller) async throws -> [CaseOut] {
        guard (1...1000).contains(command.cases.count) else {
            throw ServiceError.invalid("cases", "name 1 to 1,000 cases; got \(command.cases.count)")
        }
        if let repeated = command.cases.indices.first(where: { command.cases[..<$0].contains(command.cases[$0]) }) {
            throw ServiceError.invalid("cases[\(repeated)]", "case \(command.cases[repeated]) is named twice")
        }
        return try await decide(command.cases, fields: command.cases.indices.map { "cases[\($0)]" },
                                DecisionIn(decision: command.decision, reason: command.reason), by: caller)
    }

    private func decide(_ ids: [Int], fields: [String], _ command: DecisionIn, by caller: Caller) async throws -> [CaseOut] {
        try services.mayAttempt(.decideReviewCase, caller)
        guard let decision = ReviewDecision(rawValue: command.decision) else {
            throw ServiceError.invalid("decision", "decision is remove, leave-up or escalate; got '\(command.decision)'")
        }
        guard ReviewDecision.isReason(command.reason) else {
            throw ServiceError.invalid("reason", "reason is a category of the taxonomy (\(ContentCategory.allCases.map(\.rawValue).joined(separator: ", "))), not-violating or needs-context; got '\(command.reason)'")
        }
        let decided = try await services.storeCall {
            try await services.store.decide(ids, fields: fields, decision: decision, reason: command.reason, by: caller, now: services.now())
        }
        return try await evidence(decided, by: caller)
    }

    /// Records how a user's appeal against the case's published removal ended. The hub
    /// hears of the appeal, and of a reinstatement, on the matched signals (feedback
    /// collections only), with no user data: the signal's error ledger counts it.
    public func appeal(_ id: Int, _ command: AppealIn, by caller: Caller) async throws -> CaseOut {
        try services.mayAttempt(.decideReviewCase, caller)
        guard let outcome = AppealOutcome(rawValue: command.outcome) else {
            throw ServiceError.invalid("outcome", "outcome is reinstated or upheld; got '\(command.outcome)'")
        }
        let item = try await services.storeCall {
            try await services.store.recordAppeal(id, outcome: outcome, feedback: options.feedback, by: caller, now: services.now())
        }
        return try await evidence([item], by: caller)[0]
    }

    /// Takes a decision back within the undo window: the case is open again, and the
    /// platform is never told.
    public func undo(_ id: Int, by caller: Caller) async throws -> CaseOut {
        try services.mayAttempt(.decideReviewCase, caller)
        let item = try await services.storeCall {
            try await services.store.undoDecision(id, by: caller, window: options.undoWindow, now: services.now())
        }
        return try await evidence([item], by: caller)[0]
    }

    /// Publishes the decisions whose undo window has passed; wakes the webhook sender.
    public func publishDue() async throws -> Int {
        let now = services.now()
        let published = try await services.store.publishDecisions(
            decidedBefore: now.addingTimeInterval(-options.undoWindow), feedback: options.feedback, now: now)
        if published > 0 { services.deliveriesQueued() }
        return published
    }

    /// The platform's events after `since`: cases opened and closed, published decisions,
    /// reinstatements due; each as its webhook carries it.
    public func verdicts(since: Int, limit: Int, by caller: Caller) async throws -> VerdictPage {
        try services.mayAttempt(.readVerdicts, caller)
        guard (1...1000).contains(limit) else { throw ServiceError.invalid("limit", "limit is 1 to 1,000; got \(limit)") }
        let events = try await services.store.reviewEvents(since: since, limit: limit)
        return VerdictPage(events: events.map(\.verdict), next: events.last?.id ?? since)
    }

    /// Local accounts by their matched and removed uploads in the last `days` days.
    public func repeatUploaders(days: Int, limit: Int, by caller: Caller) async throws -> [HubStore.RepeatUploader] {
        try services.mayAttempt(.listReviewCases, caller)
        return try await services.store.repeatUploaders(since: services.now().addingTimeInterval(-Double(days) * 86_400), limit: limit)
    }

    /// Cases with their uploads, account counts and, for each match, the signal as the copy
    /// has it: the uploads in one query, each account counted once.
    func evidence(_ items: [HubStore.ReviewCase], by caller: Caller) async throws -> [CaseOut] {
        let uploads = try await services.store.uploads(Set(items.map(\.uploadID)))
        let since = services.now().addingTimeInterval(-options.repeatWindow)
        var accounts: [String: HubStore.RepeatUploader] = [:]
        for account in Set(uploads.values.compactMap(\.accountID)) {
            accounts[account] = try await services.store.repeatUploaders(since: since, account: account, limit: 1).first
        }
        let appeals = try await services.store.appealOutcomes(ofCases: items.map(\.id))
        var out: [CaseOut] = []
        for item in items {
            var matches: [CaseOut.Evidence] = []
            for match in item.matches {
                let signal = try? await services.signal(match.signalID, by: caller)
                matches.append(.init(signalID: match.signalID, distance: match.distance, signal: signal))
            }
            let upload = uploads[item.uploadID]
            let undoUntil = item.publishedAt == nil && !item.automated ? item.decidedAt?.addingTimeInterval(options.undoWindow) : nil
            out.append(CaseOut(reviewCase: item, upload: upload, matches: matches,
                               account: upload?.accountID.flatMap { accounts[$0] }, undoUntil: undoUntil, appeal: appeals[item.id]))
        }
        return out
    }
}
