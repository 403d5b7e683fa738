import CordonDomain
import FluentKit
import Foundation
import SQLKit

/// DSA Art. 16 notices, kept whole as JSON with the columns a platform's queue sorts on,
/// and the register of trusted flaggers.
extension HubStore {
    /// Stores a notice as received; its id is handed out here.
    public func addNotice(_ notice: Notice, by caller: Caller) async throws -> Notice {
        try await hub.write([]) { db in
            let sql = db as! any SQLDatabase
            let body = String(decoding: try Self.bodyEncoder.encode(notice), as: UTF8.self)
            struct ID: Decodable { var id: Int }
            let id = try await sql.raw("""
                INSERT INTO notices (notifier_id, platform_id, body, priority, due_at, received_at)
                VALUES (\(bind: notice.notifierID.uuidString), \(bind: notice.platformID.uuidString), \(bind: body), \(bind: notice.priority),
                        \(bind: notice.dueAt?.timeIntervalSince1970), \(bind: notice.receivedAt.timeIntervalSince1970))
                RETURNING id
                """).first(decoding: ID.self)!.id
            var stored = notice
            stored.id = id
            try await sql.raw("UPDATE notices SET body = \(bind: String(decoding: try Self.bodyEncoder.encode(stored), as: UTF8.self)) WHERE id = \(bind: id)").run()
            try await Self.audit(caller, "notice.receive", target: String(id),
                                 detail: ["platform": notice.platformID.uuidString, "priority": String(notice.priority)], on: db)
            return stored
        }
    }

    public func notice(_ id: Int) async throws -> Notice? {
        try await bodies(Notice.self, "SELECT body FROM notices WHERE id = \(bind: id)").first
    }

    /// Notices addressed to `platform` and/or sent by `notifier` (all when both are nil):
    /// undecided first, priority first, soonest due first, then oldest.
    public func notices(platform: UUID?, notifier: UUID?, open: Bool?, limit: Int) async throws -> [Notice] {
        var filters: [SQLQueryString] = []
        switch (platform, notifier) {
        case let (p?, n?): filters.append("(platform_id = \(bind: p.uuidString) OR notifier_id = \(bind: n.uuidString))")
        case let (p?, nil): filters.append("platform_id = \(bind: p.uuidString)")
        case let (nil, n?): filters.append("notifier_id = \(bind: n.uuidString)")
        case (nil, nil): break
        }
        if let open { filters.append(open ? "decided_at IS NULL" : "decided_at IS NOT NULL") }
        let condition: SQLQueryString = filters.isEmpty ? "" : "WHERE " + filters.joined(separator: " AND ")
        return try await bodies(Notice.self, """
            SELECT body FROM notices \(condition)
            ORDER BY CASE WHEN decided_at IS NULL THEN 0 ELSE 1 END, CASE WHEN priority THEN 0 ELSE 1 END,
                     CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, received_at, id
            LIMIT \(unsafeRaw: String(limit))
            """)
    }

    /// Every notice received in `[from, to)`, for reports.
    public func notices(receivedFrom from: Date, to: Date) async throws -> [Notice] {
        try await bodies(Notice.self, """
            SELECT body FROM notices WHERE received_at >= \(bind: from.timeIntervalSince1970) AND received_at < \(bind: to.timeIntervalSince1970) ORDER BY id
            """)
    }

    /// Records the platform's decision on an undecided notice.
    public func decideNotice(_ id: Int, _ decision: NoticeDecision, by caller: Caller) async throws -> Notice {
        try await hub.write([]) { db in
            let sql = db as! any SQLDatabase
            struct Row: Decodable { var body: String }
            let row = try await sql.raw("SELECT body FROM notices WHERE id = \(bind: id)").first(decoding: Row.self)
            guard var notice = row.flatMap({ try? Self.bodyDecoder.decode(Notice.self, from: Data($0.body.utf8)) }) else {
                throw StoreError.notFound(field: "notice", message: "no notice \(id)")
            }
            guard notice.decision == nil else {
                throw StoreError.conflict(field: "notice", message: "notice \(id) was decided already; the notifier's redress is a complaint, not a second decision")
            }
            notice.decision = decision
            try await sql.raw("""
                UPDATE notices SET body = \(bind: String(decoding: try Self.bodyEncoder.encode(notice), as: UTF8.self)),
                decided_at = \(bind: decision.decidedAt.timeIntervalSince1970), decision = \(bind: decision.action.rawValue) WHERE id = \(bind: id)
                """).run()
            try await Self.audit(caller, "notice.decide", target: String(id),
                                 detail: ["action": decision.action.rawValue, "assessment": decision.assessment.rawValue], on: db)
            return notice
        }
    }

    // MARK: The register of trusted flaggers

    public func trustedFlaggers() async throws -> [TrustedFlagger] {
        try await bodies(TrustedFlagger.self, "SELECT body FROM trusted_flaggers ORDER BY organisation_id")
    }

    public func trustedFlagger(_ organisation: UUID) async throws -> TrustedFlagger? {
        try await bodies(TrustedFlagger.self, "SELECT body FROM trusted_flaggers WHERE organisation_id = \(bind: organisation.uuidString)").first
    }

    /// Registers, changes, suspends or reinstates a trusted flagger.
    public func saveTrustedFlagger(_ flagger: TrustedFlagger, action: String, by caller: Caller, now: Date) async throws {
        let body = String(decoding: try Self.bodyEncoder.encode(flagger), as: UTF8.self)
        try await hub.write([]) { db in
            try await (db as! any SQLDatabase).raw("""
                INSERT INTO trusted_flaggers (organisation_id, body, updated_at)
                VALUES (\(bind: flagger.organisationID.uuidString), \(bind: body), \(bind: now.timeIntervalSince1970))
                ON CONFLICT (organisation_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at
                """).run()
            try await Self.audit(caller, "trusted-flagger.\(action)", target: flagger.organisationID.uuidString,
                                 detail: ["authority": flagger.awardingAuthority, "reason": flagger.suspensionReason ?? ""], on: db)
        }
    }
}
