import CordonDomain
import FluentKit
import Foundation
import SQLKit

/// Decisions on a mirror's review cases. A moderator's decision waits out the undo window
/// before it is published to the platform (Altitude's draft-then-publish, 60 s); an
/// automatic one is published at once.
extension HubStore {
    /// Decides open cases, all or none: `fields` names each case in errors (`case`, or
    /// `cases[i]` for a bulk decision). No caller: an automatic rule decided, and the
    /// decision is published at once.
    public func decide(_ ids: [Int], fields: [String], decision: ReviewDecision, reason: String, by caller: Caller?,
                       now: Date) async throws -> [ReviewCase] {
        let automated = caller == nil
        return try await hub.write([]) { db in
            let sql = db as! any SQLDatabase
            let current = Dictionary(uniqueKeysWithValues: try await Self.reviewCases(ids: ids, on: sql).map { ($0.id, $0) })
            for (id, field) in zip(ids, fields) {
                guard let item = current[id] else { throw StoreError.notFound(field: field, message: "no review case \(id)") }
                guard item.state == "open" else {
                    throw StoreError.conflict(field: field, message: "case \(id) is \(item.state); only an open case is decided")
                }
            }
            for id in ids {
                try await sql.raw("""
                    UPDATE review_cases SET state = 'decided', decision = \(bind: decision.rawValue), reason = \(bind: reason),
                    decided_at = \(bind: now.timeIntervalSince1970), decided_by = \(bind: caller?.keyID.uuidString ?? "automatic rule"),
                    automated = \(bind: automated), published_at = NULL
                    WHERE id = \(bind: id)
                    """).run()
                try await Self.audit(caller, automated ? "review.decide-automatically" : "review.decide", target: String(id),
                                     detail: ["decision": decision.rawValue, "reason": reason], on: db)
                if automated { try await Self.publish(id, now: now, feedback: [], on: db) }
            }
            return try await Self.reviewCases(ids: ids, on: sql)
        }
    }

    /// Takes a decision back while it is unpublished and within `window` of being taken:
    /// the case is open again and the platform never hears of it.
    public func undoDecision(_ id: Int, by caller: Caller, window: TimeInterval, now: Date) async throws -> ReviewCase {
        try await hub.write([]) { db in
            let sql = db as! any SQLDatabase
            guard let item = try await Self.reviewCase(id: id, on: sql) else {
                throw StoreError.notFound(field: "case", message: "no review case \(id)")
            }
            guard item.state == "decided", let decidedAt = item.decidedAt else {
                throw StoreError.conflict(field: "case", message: "case \(id) is \(item.state); only a decision is undone")
            }
            guard item.publishedAt == nil, !item.automated, now.timeIntervalSince(decidedAt) < window else {
                throw StoreError.conflict(field: "case", message: "case \(id)'s decision was published to the platform; "
                    + "a decision is undone within \(Int(window)) s of being taken")
            }
            try await sql.raw("""
                UPDATE review_cases SET state = 'open', decision = NULL, reason = NULL, decided_at = NULL, decided_by = NULL
                WHERE id = \(bind: id)
                """).run()
            try await Self.audit(caller, "review.undo", target: String(id), detail: ["decision": item.decision ?? ""], on: db)
            return try await Self.reviewCase(id: id, on: sql)!
        }
    }

    /// Publishes every decision whose undo window has passed: its `decision` event, its
    /// webhook deliveries and, for signals of the `feedback` collections, the hub's feedback,
    /// each case in its own transaction. Returns how many were published.
    public func publishDecisions(decidedBefore cutoff: Date, feedback: Set<UUID>, now: Date) async throws -> Int {
        struct Row: Decodable { var id: Int }
        let due = try await hub.sql.raw("""
            SELECT id FROM review_cases WHERE published_at IS NULL AND decided_at IS NOT NULL
            AND decided_at <= \(bind: cutoff.timeIntervalSince1970) ORDER BY id LIMIT 500
            """).all(decoding: Row.self).map(\.id)
        var published = 0
        for id in due {
            let done = try await hub.write([]) { db in
                // Undone or published meanwhile (another replica, an undo): nothing to do.
                guard let item = try await Self.reviewCase(id: id, on: db as! any SQLDatabase),
                      item.publishedAt == nil, item.decidedAt.map({ $0 <= cutoff }) == true else { return false }
                try await Self.publish(id, now: now, feedback: feedback, on: db)
                return true
            }
            if done { published += 1 }
        }
        return published
    }

    /// Published removals after case `after`, oldest first: each owes a statement of reasons.
    public func publishedRemovals(after: Int, limit: Int) async throws -> [ReviewCase] {
        struct Row: Decodable { var id: Int }
        let ids = try await hub.sql.raw("""
            SELECT id FROM review_cases WHERE decision = 'remove' AND published_at IS NOT NULL AND id > \(bind: after)
            ORDER BY id LIMIT \(unsafeRaw: String(limit))
            """).all(decoding: Row.self).map(\.id)
        return try await Self.reviewCases(ids: ids, on: hub.sql)
    }

    private static func publish(_ id: Int, now: Date, feedback: Set<UUID>, on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.raw("UPDATE review_cases SET published_at = \(bind: now.timeIntervalSince1970) WHERE id = \(bind: id)").run()
        try await event(case: id, .decision, [:], now: now, on: db)
        guard !feedback.isEmpty, let item = try await reviewCase(id: id, on: sql),
              let kind = item.decision.flatMap(ReviewDecision.init(rawValue:)).flatMap({ feedbackKind($0, reason: item.reason) })
        else { return }
        try await queueFeedback(kind, on: item, collections: feedback, now: now, on: sql)
    }

    /// What a decision tells the hub: a removal says the platform saw it too; leaving it up
    /// as not violating says it was a false positive; the rest says nothing.
    static func feedbackKind(_ decision: ReviewDecision, reason: String?) -> FeedbackKind? {
        switch decision {
        case .remove: .seenToo
        case .leaveUp where reason == "not-violating": .falsePositive
        default: nil
        }
    }
}

extension HubStore {
    /// Records how a user's appeal against a published removal ended. For signals of the
    /// `feedback` collections the hub hears that an appeal was made and, when the content
    /// was reinstated, that the removal was wrong; never who appealed.
    public func recordAppeal(_ id: Int, outcome: AppealOutcome, feedback: Set<UUID>, by caller: Caller, now: Date) async throws -> ReviewCase {
        try await hub.write([]) { db in
            let sql = db as! any SQLDatabase
            guard let item = try await Self.reviewCase(id: id, on: sql) else {
                throw StoreError.notFound(field: "case", message: "no review case \(id)")
            }
            guard item.decision == ReviewDecision.remove.rawValue, item.publishedAt != nil else {
                throw StoreError.conflict(field: "case", message: "case \(id) has no published removal; an appeal is against a removal the platform carried out")
            }
            struct Count: Decodable { var n: Int }
            let earlier = try await sql.raw("""
                SELECT COUNT(*) AS n FROM review_events WHERE case_id = \(bind: id) AND kind = \(bind: ReviewEventKind.appealDecided.rawValue)
                """).first(decoding: Count.self)?.n ?? 0
            guard earlier == 0 else {
                throw StoreError.conflict(field: "case", message: "case \(id)'s appeal was decided already")
            }
            try await Self.event(case: id, .appealDecided, ["outcome": outcome.rawValue], now: now, on: db)
            try await Self.audit(caller, "review.appeal", target: String(id), detail: ["outcome": outcome.rawValue], on: db)
            try await Self.queueFeedback(.appealed, on: item, collections: feedback, now: now, on: sql)
            if outcome == .reinstated {
                try await Self.queueFeedback(.reinstated, on: item, collections: feedback, now: now, on: sql)
            }
            return item
        }
    }

    /// How each case's appeal ended, for the cases with one.
    public func appealOutcomes(ofCases ids: [Int]) async throws -> [Int: AppealOutcome] {
        guard !ids.isEmpty else { return [:] }
        struct Row: Decodable { var case_id: Int, body: String }
        let list = ids.map(String.init).joined(separator: ",")
        var found: [Int: AppealOutcome] = [:]
        for row in try await hub.sql.raw("""
            SELECT case_id, body FROM review_events WHERE kind = \(bind: ReviewEventKind.appealDecided.rawValue) AND case_id IN (\(unsafeRaw: list))
            """).all(decoding: Row.self) {
            let verdict = try? JSONDecoder().decode(Verdict.self, from: Data(row.body.utf8))
            found[row.case_id] = verdict?.detail["outcome"].flatMap(AppealOutcome.init(rawValue:))
        }
        return found
    }
}
