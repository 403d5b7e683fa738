import CordonDomain
import FluentKit
import Foundation
import SQLKit

/// The facts the error ledger is counted from: each piece of feedback, each signal's
/// matches at the hub, and the signals they are about.
extension HubStore {
    /// One piece of feedback, as the ledger counts it.
    public struct LedgerFeedback: Sendable, Hashable {
        public var signalID: Int
        public var organisationID: UUID
        public var kind: FeedbackKind
        public var distance: Int?
        public var at: Date?
        /// The hub's signed statement of it, as JSON (`statement`, `signature`).
        public var signed: String?
    }

    /// What the ledger knows: feedback oldest first, matches by signal, and, for the
    /// whole hub, the signals either is about (retracted ones too: their errors still count).
    public struct LedgerFacts: Sendable {
        public var feedback: [LedgerFeedback] = []
        public var matches: [Int: Int] = [:]
        public var signals: [Int: StoredSignal] = [:]
    }

    /// The ledger's facts for one signal (whose caller has it already: no signals are read),
    /// or (nil) for the whole hub.
    public func ledgerFacts(signalID: Int? = nil) async throws -> LedgerFacts {
        struct FeedbackRow: Decodable { var signal_id: Int, organisation_id: UUID, kind: String, distance: Int?, created_at: Date?, signed: String? }
        struct MatchRow: Decodable { var signal_id: Int, matches: Int }
        let only: SQLQueryString = signalID.map { "WHERE signal_id = \(bind: $0)" } ?? ""
        var facts = LedgerFacts()
        facts.feedback = try await hub.sql.raw("SELECT signal_id, organisation_id, kind, distance, created_at, signed FROM feedback \(only) ORDER BY created_at")
            .all(decoding: FeedbackRow.self).compactMap { row in
                FeedbackKind(rawValue: row.kind).map {
                    LedgerFeedback(signalID: row.signal_id, organisationID: row.organisation_id, kind: $0, distance: row.distance,
                                   at: row.created_at, signed: row.signed)
                }
            }
        for row in try await hub.sql.raw("SELECT signal_id, matches FROM signal_matches \(only)").all(decoding: MatchRow.self) {
            facts.matches[row.signal_id] = row.matches
        }
        guard signalID == nil else { return facts }
        let ids = Set(facts.feedback.map(\.signalID)).union(facts.matches.keys)
        for chunk in Array(ids).sorted().chunked(500) {
            for record in try await SignalRecord.query(on: db).filter(\.$id ~~ chunk).all() {
                facts.signals[record.id!] = StoredSignal(record)
            }
        }
        return facts
    }
}
