import CordonDomain
import FluentKit
import Foundation
import SQLKit

/// The facts of the hub-wide transparency report: signals by type and status with their
/// distinct items, contributors, feedback outcomes, incidents and cases of a year.
extension HubStore {
    public struct SignalTally: Sendable, Hashable {
        public var type: SignalType
        public var status: SignalStatus
        public var signals: Int
        public var items: Int
    }

    /// Signals and distinct items (a signal without an item is its own) by type and status.
    public func signalTallies() async throws -> [SignalTally] {
        struct Row: Decodable { var type: String, status: String, signals: Int, items: Int }
        return try await hub.sql.raw("""
            SELECT type, status, COUNT(*) AS signals, COUNT(DISTINCT COALESCE(item, 'signal:' || CAST(id AS TEXT))) AS items
            FROM signals GROUP BY type, status
            """).all(decoding: Row.self).compactMap { row in
            guard let type = SignalType(rawValue: row.type), let status = SignalStatus(rawValue: row.status) else { return nil }
            return SignalTally(type: type, status: status, signals: row.signals, items: row.items)
        }
    }

    /// Matchable signals by their contributors (a JSON list), for counting contributors.
    public func signalsBySources() async throws -> [(sources: [UUID], signals: Int)] {
        struct Row: Decodable { var sources: String, signals: Int }
        return try await hub.sql.raw("""
            SELECT sources, COUNT(*) AS signals FROM signals WHERE status <> 'retracted' GROUP BY sources
            """).all(decoding: Row.self).map { (StoredSignal.sources($0.sources), $0.signals) }
    }

    /// Distinct signals that received each kind of feedback.
    public func signalsByFeedback() async throws -> [FeedbackKind: Int] {
        struct Row: Decodable { var kind: String, signals: Int }
        var found: [FeedbackKind: Int] = [:]
        for row in try await hub.sql.raw("SELECT kind, COUNT(DISTINCT signal_id) AS signals FROM feedback GROUP BY kind").all(decoding: Row.self) {
            if let kind = FeedbackKind(rawValue: row.kind) { found[kind] = row.signals }
        }
        return found
    }

    /// Real incidents (no drills) activated in `[from, to)`.
    public func incidentsActivated(from: Date, to: Date) async throws -> [IncidentRecord] {
        try await IncidentRecord.query(on: db).filter(\.$drill == false).filter(\.$activatedAt >= from).filter(\.$activatedAt < to).all()
    }

    /// Cases sent in `[from, to)`.
    public func cases(sentFrom from: Date, to: Date) async throws -> [CaseRecord] {
        try await CaseRecord.query(on: db).filter(\.$sentAt >= from).filter(\.$sentAt < to).all()
    }
}
