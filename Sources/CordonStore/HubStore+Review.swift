import CordonDomain
import FluentKit
import Foundation
import SQLKit

/// A mirror's review desk: the platform's uploads, the cases their matches open (at upload
/// or later, when the hub shares a hash that matches a past upload), decisions, and the
/// events the platform reads back.
extension HubStore {
    /// An upload as kept: hashes, the platform's ids and times; never the media.
    public struct PlatformUpload: Sendable, Hashable, Codable {
        public var id: Int
        public var contentID: String
        public var accountID: String?
        public var clientContext: String?
        public var pdq: String?
        public var pdqQuality: Int?
        public var md5: String?
        public var sha256: String?
        public var receivedAt: Date
        public var expiresAt: Date

        public init(id: Int = 0, contentID: String, accountID: String?, clientContext: String?, pdq: String?, pdqQuality: Int?,
                    md5: String?, sha256: String?, receivedAt: Date, expiresAt: Date) {
            self.id = id
            self.contentID = contentID
            self.accountID = accountID
            self.clientContext = clientContext
            self.pdq = pdq
            self.pdqQuality = pdqQuality
            self.md5 = md5
            self.sha256 = sha256
            self.receivedAt = receivedAt
            self.expiresAt = expiresAt
        }
    }

    /// One signal an upload matched, and how near.
    public struct ReviewMatch: Sendable, Hashable, Codable {
        public var signalID: Int
        public var distance: Int

        public init(signalID: Int, distance: Int) {
            self.signalID = signalID
            self.distance = distance
        }
    }

    /// A case: one upload and what it matched.
    public struct ReviewCase: Sendable, Hashable, Codable {
        public var id: Int
        public var uploadID: Int
        /// `upload` (matched when it arrived) or `retro` (matched a hash shared later).
        public var origin: String
        /// `open`, `decided` or `closed` (every signal it rested on was retracted).
        public var state: String
        public var openedAt: Date
        public var decision: String?
        public var reason: String?
        public var decidedAt: Date?
        public var decidedBy: String?
        public var automated: Bool
        public var matches: [ReviewMatch]
    }

    /// One event for the platform, in commit order.
    public struct ReviewEvent: Sendable, Hashable, Codable {
        public var id: Int
        public var caseID: Int
        /// `case-opened`, `decision`, `case-closed` or `reinstatement-due`.
        public var kind: String
        public var body: String
        public var at: Date
    }

    /// Keeps an upload and, when it matched, opens its case, in one transaction.
    public func recordUpload(_ upload: PlatformUpload, matches: [ReviewMatch], now: Date) async throws -> (PlatformUpload, ReviewCase?) {
        try await hub.write([]) { db in
            let sql = db as! any SQLDatabase
            var stored = upload
            stored.id = try await sql.raw("""
                INSERT INTO platform_uploads (content_id, account_id, client_context, pdq, pdq_quality, md5, sha256, received_at, expires_at)
                VALUES (\(bind: upload.contentID), \(bind: upload.accountID), \(bind: upload.clientContext), \(bind: upload.pdq),
                        \(bind: upload.pdqQuality), \(bind: upload.md5), \(bind: upload.sha256),
                        \(bind: upload.receivedAt.timeIntervalSince1970), \(bind: upload.expiresAt.timeIntervalSince1970))
                RETURNING id
                """).first(decoding: IDRow.self)!.id
            guard !matches.isEmpty else { return (stored, nil) }
            let opened = try await Self.openCase(for: stored.id, origin: "upload", matches: matches, now: now, on: sql)
            return (stored, opened)
        }
    }

    /// What a page of upstream changes means for the kept uploads, worked out from the
    /// in-memory upload index before the page is applied: applied in the page's own
    /// transaction, so a crash leaves both or neither.
    public struct Recheck: Sendable {
        /// Upload id → the page's signals it matches.
        public var found: [Int: [ReviewMatch]]
        /// Signals the page retracts.
        public var retracted: [Int]

        public init(found: [Int: [ReviewMatch]] = [:], retracted: [Int] = []) {
            self.found = found
            self.retracted = retracted
        }
    }

    /// Opens a case for each upload that matched a shared signal and had none, or adds the
    /// matches to its case; closes every case all of whose signals are now retracted (one
    /// whose content was removed says reinstatement may be due).
    static func apply(_ recheck: Recheck, now: Date, on sql: any SQLDatabase) async throws {
        for (uploadID, matches) in recheck.found.sorted(by: { $0.key < $1.key }) {
            guard let existing = try await reviewCase(upload: uploadID, on: sql) else {
                _ = try await openCase(for: uploadID, origin: "retro", matches: matches, now: now, on: sql)
                continue
            }
            let known = Set(existing.matches.map(\.signalID))
            let new = matches.filter { !known.contains($0.signalID) }
            guard !new.isEmpty else { continue }
            try await insertMatches(new, case: existing.id, on: sql)
            if existing.state == "closed" {
                try await sql.raw("UPDATE review_cases SET state = 'open' WHERE id = \(bind: existing.id)").run()
            }
            try await event(case: existing.id, "case-opened", ["origin": "retro", "matches": "\(new.count)"], now: now, on: sql)
        }
        guard !recheck.retracted.isEmpty else { return }
        struct Row: Decodable { var case_id: Int }
        let list = recheck.retracted.map(String.init).joined(separator: ",")
        let touched = try await sql.raw("""
            SELECT DISTINCT case_id FROM review_matches WHERE signal_id IN (\(unsafeRaw: list))
            """).all(decoding: Row.self).map(\.case_id)
        for id in touched {
            struct Live: Decodable { var n: Int }
            let live = try await sql.raw("""
                SELECT COUNT(*) AS n FROM review_matches m JOIN signals s ON s.id = m.signal_id
                WHERE m.case_id = \(bind: id) AND s.status <> 'retracted'
                """).first(decoding: Live.self)?.n ?? 0
            guard live == 0, let current = try await reviewCase(id: id, on: sql), current.state != "closed" else { continue }
            try await sql.raw("UPDATE review_cases SET state = 'closed' WHERE id = \(bind: id)").run()
            try await event(case: id, "case-closed", ["reason": "every matched signal was retracted at the hub"], now: now, on: sql)
            if current.decision == "remove" {
                try await event(case: id, "reinstatement-due", ["reason": "the content was removed on signals since retracted"], now: now, on: sql)
            }
        }
    }

    /// Every upload still within its retention, for the in-memory index.
    public func activeUploads(now: Date) async throws -> [PlatformUpload] {
        try await hub.sql.raw("""
            SELECT * FROM platform_uploads WHERE expires_at > \(bind: now.timeIntervalSince1970) ORDER BY id
            """).all(decoding: UploadRow.self).map(\.upload)
    }

    public func upload(_ id: Int) async throws -> PlatformUpload? {
        try await hub.sql.raw("SELECT * FROM platform_uploads WHERE id = \(bind: id)").first(decoding: UploadRow.self)?.upload
    }

    /// Cases in `state` (all when nil), newest first, before case `before`.
    public func reviewCases(state: String?, before: Int?, limit: Int) async throws -> [ReviewCase] {
        let sql = hub.sql
        let query = sql.select().column("id").from("review_cases")
        if let state { query.where("state", .equal, state) }
        if let before { query.where("id", .lessThan, before) }
        let ids = try await query.orderBy("id", .descending).limit(limit).all().map { try $0.decode(column: "id", as: Int.self) }
        var cases: [ReviewCase] = []
        for id in ids { if let found = try await Self.reviewCase(id: id, on: sql) { cases.append(found) } }
        return cases
    }

    public func reviewCase(_ id: Int) async throws -> ReviewCase? {
        try await Self.reviewCase(id: id, on: hub.sql)
    }

    /// Records a decision on an open case.
    public func decide(_ id: Int, decision: String, reason: String, by caller: Caller, automated: Bool, now: Date) async throws -> ReviewCase {
        try await hub.write([]) { db in
            let sql = db as! any SQLDatabase
            guard let current = try await Self.reviewCase(id: id, on: sql) else {
                throw StoreError.notFound(field: "case", message: "no review case \(id)")
            }
            guard current.state == "open" else {
                throw StoreError.conflict(field: "case", message: "case \(id) is \(current.state); only an open case is decided")
            }
            try await sql.raw("""
                UPDATE review_cases SET state = 'decided', decision = \(bind: decision), reason = \(bind: reason),
                decided_at = \(bind: now.timeIntervalSince1970), decided_by = \(bind: caller.keyID.uuidString), automated = \(bind: automated)
                WHERE id = \(bind: id)
                """).run()
            try await Self.event(case: id, "decision", ["decision": decision, "reason": reason, "automated": String(automated)], now: now, on: sql)
            try await Self.audit(caller, "review.decide", target: String(id), detail: ["decision": decision, "reason": reason], on: db)
            return try await Self.reviewCase(id: id, on: sql)!
        }
    }

    /// Events after `since`, oldest first.
    public func reviewEvents(since: Int, limit: Int) async throws -> [ReviewEvent] {
        struct Row: Decodable { var id: Int, case_id: Int, kind: String, body: String, at: Double }
        return try await hub.sql.raw("""
            SELECT id, case_id, kind, body, at FROM review_events WHERE id > \(bind: since) ORDER BY id LIMIT \(unsafeRaw: String(limit))
            """).all(decoding: Row.self).map {
            ReviewEvent(id: $0.id, caseID: $0.case_id, kind: $0.kind, body: $0.body, at: Date(timeIntervalSince1970: $0.at))
        }
    }

    // MARK: Inside a transaction

    private static func openCase(for upload: Int, origin: String, matches: [ReviewMatch], now: Date,
                                 on sql: any SQLDatabase) async throws -> ReviewCase {
        let id = try await sql.raw("""
            INSERT INTO review_cases (upload_id, origin, state, opened_at, automated)
            VALUES (\(bind: upload), \(bind: origin), 'open', \(bind: now.timeIntervalSince1970), \(bind: false)) RETURNING id
            """).first(decoding: IDRow.self)!.id
        try await insertMatches(matches, case: id, on: sql)
        try await event(case: id, "case-opened", ["origin": origin, "matches": "\(matches.count)"], now: now, on: sql)
        return try await reviewCase(id: id, on: sql)!
    }

    private static func insertMatches(_ matches: [ReviewMatch], case id: Int, on sql: any SQLDatabase) async throws {
        var best: [Int: Int] = [:]
        for match in matches { best[match.signalID] = min(best[match.signalID] ?? .max, match.distance) }
        for (signal, distance) in best.sorted(by: { $0.key < $1.key }) {
            try await sql.raw("""
                INSERT INTO review_matches (case_id, signal_id, distance) VALUES (\(bind: id), \(bind: signal), \(bind: distance))
                """).run()
        }
    }

    private static func event(case id: Int, _ kind: String, _ detail: [String: String], now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO review_events (case_id, kind, body, at) VALUES (\(bind: id), \(bind: kind), \(bind: json(detail)), \(bind: now.timeIntervalSince1970))
            """).run()
    }

    private static func reviewCase(upload: Int, on sql: any SQLDatabase) async throws -> ReviewCase? {
        struct Row: Decodable { var id: Int }
        guard let row = try await sql.raw("SELECT id FROM review_cases WHERE upload_id = \(bind: upload)").first(decoding: Row.self) else { return nil }
        return try await reviewCase(id: row.id, on: sql)
    }

    private static func reviewCase(id: Int, on sql: any SQLDatabase) async throws -> ReviewCase? {
        struct Row: Decodable {
            var id: Int, upload_id: Int, origin: String, state: String, opened_at: Double
            var decision: String?, reason: String?, decided_at: Double?, decided_by: String?, automated: Bool
        }
        struct MatchRow: Decodable { var signal_id: Int, distance: Int }
        guard let row = try await sql.raw("SELECT * FROM review_cases WHERE id = \(bind: id)").first(decoding: Row.self) else { return nil }
        let matches = try await sql.raw("""
            SELECT signal_id, distance FROM review_matches WHERE case_id = \(bind: id) ORDER BY distance, signal_id
            """).all(decoding: MatchRow.self).map { ReviewMatch(signalID: $0.signal_id, distance: $0.distance) }
        return ReviewCase(id: row.id, uploadID: row.upload_id, origin: row.origin, state: row.state,
                          openedAt: Date(timeIntervalSince1970: row.opened_at), decision: row.decision, reason: row.reason,
                          decidedAt: row.decided_at.map(Date.init(timeIntervalSince1970:)), decidedBy: row.decided_by,
                          automated: row.automated, matches: matches)
    }
}

private struct IDRow: Decodable { var id: Int }

private struct UploadRow: Decodable {
    var id: Int, content_id: String, account_id: String?, client_context: String?, pdq: String?, pdq_quality: Int?
    var md5: String?, sha256: String?, received_at: Double, expires_at: Double

    var upload: HubStore.PlatformUpload {
        .init(id: id, contentID: content_id, accountID: account_id, clientContext: client_context, pdq: pdq, pdqQuality: pdq_quality,
              md5: md5, sha256: sha256, receivedAt: Date(timeIntervalSince1970: received_at), expiresAt: Date(timeIntervalSince1970: expires_at))
    }
}
