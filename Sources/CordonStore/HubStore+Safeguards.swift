import CordonDomain
import FluentKit
import Foundation
import SQLKit

/// Every signal answers for its errors: feedback moves its status under ``SafeguardRules``
/// (disputed, quarantined, confirmed again), review-by dates quarantine it when they pass,
/// and the error ledger counts what platforms reported. Each status change is a change on
/// the feed, so every mirror honours it.
extension HubStore {
    /// Records feedback and applies the rules; the match `distance` the feedback was about,
    /// where the platform gives it, feeds the ledger by threshold.
    public func addFeedback(signalID: Int, kind: FeedbackKind, comment: String, distance: Int? = nil, signed: String? = nil,
                            rules: SafeguardRules, now: Date, by caller: Caller) async throws -> StoredSignal {
        return try await hub.write([.signals]) { db in
            let record = try await Self.signalRecord(signalID, on: db)
            try await FeedbackRecord(signalID: signalID, organisationID: caller.organisationID, kind: kind.rawValue, comment: comment,
                                     distance: distance, signed: signed).create(on: db)
            // Every feedback is a change on the feed, whether or not the status moved: the
            // exchange formats (ThreatExchange reactions, StopNCII feedbacks) carry it.
            try await Self.applyRules(to: record, rules: rules, now: now, on: db)
            try await Self.audit(caller, "signal.feedback", target: String(signalID),
                                 detail: ["kind": kind.rawValue, "status": record.status], on: db)
            return StoredSignal(record)
        }
    }

    /// A contributor stands by the signal again: what came before stops counting, and
    /// the next review is due at `reviewBy` (none when nil).
    public func confirm(signalID: Int, comment: String, reviewBy: Date?, rules: SafeguardRules, now: Date,
                        by caller: Caller) async throws -> StoredSignal {
        return try await hub.write([.signals]) { db in
            let record = try await Self.signalRecord(signalID, on: db)
            guard record.status != SignalStatus.retracted.rawValue else {
                throw StoreError.conflict(field: "signal", message: "signal \(signalID) is retracted; share it again instead")
            }
            let sql = db as! any SQLDatabase
            try await FeedbackRecord(signalID: signalID, organisationID: caller.organisationID, kind: FeedbackKind.confirmed.rawValue,
                                     comment: comment).create(on: db)
            try await sql.raw("DELETE FROM signal_reviews WHERE signal_id = \(bind: signalID)").run()
            if let reviewBy { try await Self.setReview(signalID, at: reviewBy, reason: "confirmed", on: sql) }
            try await Self.applyRules(to: record, rules: rules, now: now, on: db)
            try await Self.audit(caller, "signal.confirm", target: String(signalID),
                                 detail: ["status": record.status, "reviewBy": reviewBy.map { String(Int($0.timeIntervalSince1970)) } ?? ""], on: db)
            return StoredSignal(record)
        }
    }

    /// Sets when each signal must be looked at again, and why (`incident`, `designation`,
    /// `confirmed`); a date already passed quarantines at the next sweep. A caller's
    /// setting is audited with `detail`.
    public func setReviewBy(_ signalIDs: [Int], at date: Date, reason: String, by caller: Caller? = nil,
                            detail: [String: String] = [:]) async throws {
        guard !signalIDs.isEmpty || caller != nil else { return }
        try await hub.write([]) { db in
            for id in signalIDs { try await Self.setReview(id, at: date, reason: reason, on: db as! any SQLDatabase) }
            if let caller {
                try await Self.audit(caller, "signal.review-by", target: reason,
                                     detail: detail.merging(["signals": String(signalIDs.count)]) { $1 }, on: db)
            }
        }
    }

    /// When the signal must be reviewed, and why; nil when no date is set.
    public func reviewBy(signalID: Int) async throws -> (date: Date, reason: String)? {
        struct Row: Decodable { var review_by: Double, reason: String }
        return try await hub.sql.raw("SELECT review_by, reason FROM signal_reviews WHERE signal_id = \(bind: signalID)")
            .first(decoding: Row.self).map { (Date(timeIntervalSince1970: $0.review_by), $0.reason) }
    }

    /// Quarantines the matchable signals whose review-by date has passed; returns the
    /// changes, for the catalog and the feed.
    public func quarantineDueSignals(now: Date, rules: SafeguardRules) async throws -> [SignalChange] {
        struct Row: Decodable { var signal_id: Int }
        let due = try await hub.sql.raw("""
            SELECT r.signal_id FROM signal_reviews r JOIN signals s ON s.id = r.signal_id
            WHERE r.review_by <= \(bind: now.timeIntervalSince1970) AND s.status IN ('active', 'disputed')
            ORDER BY r.signal_id LIMIT 1000
            """).all(decoding: Row.self).map(\.signal_id)
        guard !due.isEmpty else { return [] }
        return try await hub.write([.signals]) { db in
            var changes: [SignalChange] = []
            for id in due {
                let record = try await Self.signalRecord(id, on: db)
                changes += try await Self.applyRules(to: record, rules: rules, now: now, on: db)
            }
            try await Self.audit(nil, "signal.review-due", target: due.map(String.init).joined(separator: ","),
                                 detail: ["count": String(due.count)], on: db)
            return changes
        }
    }

    /// Adds match counts per signal, as the hub's match path tallied them.
    public func addSignalMatches(_ counts: [Int: Int]) async throws {
        guard !counts.isEmpty else { return }
        // A statement per 500 signals, in id order: on PostgreSQL, replicas adding counts
        // for the same signals then take their row locks in one order, and a transaction
        // holding them waits on no more round trips than it must.
        let sorted = counts.sorted(by: { $0.key < $1.key })
        try await hub.write([]) { db in
            let sql = db as! any SQLDatabase
            for chunk in sorted.chunked(500) {
                let values = chunk
                    .map { (id, matches) -> SQLQueryString in "(\(bind: id), \(bind: matches))" }.joined(separator: ", ")
                try await sql.raw("""
                    INSERT INTO signal_matches (signal_id, matches) VALUES \(values)
                    ON CONFLICT (signal_id) DO UPDATE SET matches = signal_matches.matches + excluded.matches
                    """).run()
            }
        }
    }

    // MARK: The rules

    static func signalRecord(_ id: Int, on db: any Database) async throws -> SignalRecord {
        guard let record = try await SignalRecord.find(id, on: db) else {
            throw StoreError.notFound(field: "signal", message: "no signal \(id)")
        }
        return record
    }

    private static func setReview(_ id: Int, at date: Date, reason: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO signal_reviews (signal_id, review_by, reason) VALUES (\(bind: id), \(bind: date.timeIntervalSince1970), \(bind: reason))
            ON CONFLICT (signal_id) DO UPDATE SET review_by = excluded.review_by, reason = excluded.reason
            """).run()
    }

    /// Works the signal's status out again from all its feedback and its review-by date,
    /// saves it if it moved, and records a change on the feed (always: feedback is part of
    /// what the exchange formats carry).
    @discardableResult
    private static func applyRules(to record: SignalRecord, rules: SafeguardRules, now: Date, on db: any Database) async throws -> [SignalChange] {
        let sql = db as! any SQLDatabase
        let id = record.id!
        let events = try await FeedbackRecord.query(on: db).filter(\.$signalID == id).sort(\.$createdAt).all().compactMap { feedback in
            FeedbackKind(rawValue: feedback.kind).map { SafeguardRules.Event(organisation: feedback.organisationID, kind: $0) }
        }
        struct Due: Decodable { var review_by: Double }
        let reviewDue = try await sql.raw("SELECT review_by FROM signal_reviews WHERE signal_id = \(bind: id)")
            .first(decoding: Due.self).map { $0.review_by <= now.timeIntervalSince1970 } ?? false
        let current = SignalStatus(rawValue: record.status) ?? .active
        let next = rules.status(current: current, events: events, contributors: Set(StoredSignal.sources(record.sources)), reviewDue: reviewDue)
        if next != current {
            record.status = next.rawValue
            try await record.save(on: db)
        }
        return try await recordChanges([(StoredSignal(record), .updated)], in: record.collectionID, at: now, on: sql)
    }
}
