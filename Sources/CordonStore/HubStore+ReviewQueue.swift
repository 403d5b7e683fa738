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
        /// A video's frames (vPDQ, in their binary form), kept so later video hashes find it.
        public var frames: [UInt8]?
        public var receivedAt: Date
        public var expiresAt: Date

        public init(id: Int = 0, contentID: String, accountID: String?, clientContext: String?, pdq: String?, pdqQuality: Int?,
                    md5: String?, sha256: String?, frames: [UInt8]? = nil, receivedAt: Date, expiresAt: Date) {
            self.id = id
            self.contentID = contentID
            self.accountID = accountID
            self.clientContext = clientContext
            self.pdq = pdq
            self.pdqQuality = pdqQuality
            self.md5 = md5
            self.sha256 = sha256
            self.frames = frames
            self.receivedAt = receivedAt
            self.expiresAt = expiresAt
        }

        /// The frames stay out of answers: they are the mirror's to match, not to show.
        enum CodingKeys: String, CodingKey {
            case id, contentID, accountID, clientContext, pdq, pdqQuality, md5, sha256, receivedAt, expiresAt
        }
    }

    /// One signal an upload matched, and how near.
    public struct ReviewMatch: Sendable, Hashable, Codable {
        public var signalID: Int
        public var distance: Int
        /// What the match makes of its case's priority (``ReviewPriority``); not kept per match.
        public var priority = 0

        public init(signalID: Int, distance: Int, priority: Int = 0) {
            self.signalID = signalID
            self.distance = distance
            self.priority = priority
        }

        enum CodingKeys: String, CodingKey { case signalID, distance }
    }

    /// A case: one upload and what it matched.
    public struct ReviewCase: Sendable, Hashable, Codable {
        public var id: Int
        public var uploadID: Int
        /// `upload` (matched when it arrived) or `retro` (matched a hash shared later).
        public var origin: String
        /// `open`, `decided` or `closed` (every signal it rested on was retracted).
        public var state: String
        /// Higher is reviewed first: the highest of its matches' (``ReviewPriority``).
        public var priority: Int
        public var openedAt: Date
        public var decision: String?
        public var reason: String?
        public var decidedAt: Date?
        public var decidedBy: String?
        public var automated: Bool
        /// When the decision went to the platform: once the undo window passed (at once
        /// when automated). Until then the decision may be undone.
        public var publishedAt: Date?
        public var matches: [ReviewMatch]
    }

    /// Keeps an upload and, when it matched, opens its case, in one transaction.
    public func recordUpload(_ upload: PlatformUpload, matches: [ReviewMatch], now: Date) async throws -> (PlatformUpload, ReviewCase?) {
        try await hub.write([]) { db in
            let sql = db as! any SQLDatabase
            var stored = upload
            stored.id = try await sql.raw("""
                INSERT INTO platform_uploads (content_id, account_id, client_context, pdq, pdq_quality, md5, sha256, frames, received_at, expires_at)
                VALUES (\(bind: upload.contentID), \(bind: upload.accountID), \(bind: upload.clientContext), \(bind: upload.pdq),
                        \(bind: upload.pdqQuality), \(bind: upload.md5), \(bind: upload.sha256), \(bind: upload.frames.map { Data($0) }),
                        \(bind: upload.receivedAt.timeIntervalSince1970), \(bind: upload.expiresAt.timeIntervalSince1970))
                RETURNING id
                """).first(decoding: IDRow.self)!.id
            guard !matches.isEmpty else { return (stored, nil) }
            let opened = try await Self.openCase(for: stored.id, origin: "upload", matches: matches, now: now, on: db)
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
    static func apply(_ recheck: Recheck, now: Date, on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        for (uploadID, matches) in recheck.found.sorted(by: { $0.key < $1.key }) {
            guard let existing = try await reviewCase(upload: uploadID, on: sql) else {
                _ = try await openCase(for: uploadID, origin: "retro", matches: matches, now: now, on: db)
                continue
            }
            let known = Set(existing.matches.map(\.signalID))
            let new = matches.filter { !known.contains($0.signalID) }
            guard !new.isEmpty else { continue }
            try await insertMatches(new, case: existing.id, on: sql)
            let priority = max(existing.priority, new.map(\.priority).max() ?? 0)
            let state = existing.state == "closed" ? "open" : existing.state
            try await sql.raw("""
                UPDATE review_cases SET state = \(bind: state), priority = \(bind: priority) WHERE id = \(bind: existing.id)
                """).run()
            try await event(case: existing.id, .caseOpened, ["origin": "retro", "matches": "\(new.count)"], now: now, on: db)
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
            try await event(case: id, .caseClosed, ["reason": "every matched signal was retracted at the hub"], now: now, on: db)
            if current.decision == ReviewDecision.remove.rawValue {
                try await event(case: id, .reinstatementDue, ["reason": "the content was removed on signals since retracted"], now: now, on: db)
            }
        }
    }

    /// Every upload still within its retention, for the in-memory index.
    public func activeUploads(now: Date) async throws -> [PlatformUpload] {
        try await hub.sql.raw("""
            SELECT * FROM platform_uploads WHERE expires_at > \(bind: now.timeIntervalSince1970) ORDER BY id
            """).all(decoding: UploadRow.self).map(\.upload)
    }

    /// Forgets the hashes (and a video's frames) of every upload past its retention, and
    /// returns those uploads as they were: ids, times and cases stay, for the record.
    public func purgeExpiredUploads(now: Date) async throws -> [PlatformUpload] {
        try await hub.write([]) { db in
            let sql = db as! any SQLDatabase
            let expired = try await sql.raw("""
                SELECT * FROM platform_uploads WHERE expires_at <= \(bind: now.timeIntervalSince1970)
                AND (pdq IS NOT NULL OR md5 IS NOT NULL OR sha256 IS NOT NULL OR frames IS NOT NULL) ORDER BY id
                """).all(decoding: UploadRow.self).map(\.upload)
            for chunk in expired.map(\.id).chunked(500) {
                try await sql.raw("""
                    UPDATE platform_uploads SET pdq = NULL, pdq_quality = NULL, md5 = NULL, sha256 = NULL, frames = NULL
                    WHERE id IN (\(unsafeRaw: chunk.map(String.init).joined(separator: ",")))
                    """).run()
            }
            return expired
        }
    }

    public func upload(_ id: Int) async throws -> PlatformUpload? {
        try await hub.sql.raw("SELECT * FROM platform_uploads WHERE id = \(bind: id)").first(decoding: UploadRow.self)?.upload
    }

    /// How a queue is read.
    public enum ReviewOrder: String, Sendable, CaseIterable {
        /// Newest first; the cursor is the last case's id.
        case newest
        /// Highest priority first, oldest first within a priority; the cursor is `priority:id`.
        case priority
    }

    /// Cases in `state` (all when nil) in `order`, after `cursor` (the last case of the
    /// previous page), read in three queries whatever the page's length.
    public func reviewCases(state: String?, order: ReviewOrder, after cursor: ReviewCase?, limit: Int) async throws -> [ReviewCase] {
        let sql = hub.sql
        let query = sql.select().column("id").from("review_cases")
        if let state { query.where("state", .equal, state) }
        switch order {
        case .newest:
            if let cursor { query.where("id", .lessThan, cursor.id) }
            query.orderBy("id", .descending)
        case .priority:
            if let cursor {
                query.where { group in
                    group.where("priority", .lessThan, cursor.priority)
                        .orWhere { $0.where("priority", .equal, cursor.priority).where("id", .greaterThan, cursor.id) }
                }
            }
            query.orderBy("priority", .descending).orderBy("id", .ascending)
        }
        let ids = try await query.limit(limit).all().map { try $0.decode(column: "id", as: Int.self) }
        return try await Self.reviewCases(ids: ids, on: sql)
    }

    public func reviewCase(_ id: Int) async throws -> ReviewCase? {
        try await Self.reviewCase(id: id, on: hub.sql)
    }

    /// The case an upload's matches opened, if any.
    public func reviewCase(forUpload upload: Int) async throws -> ReviewCase? {
        try await Self.reviewCase(upload: upload, on: hub.sql)
    }

    /// The uploads with these ids, in one query.
    public func uploads(_ ids: Set<Int>) async throws -> [Int: PlatformUpload] {
        guard !ids.isEmpty else { return [:] }
        let list = ids.sorted().map(String.init).joined(separator: ",")
        let rows = try await hub.sql.raw("SELECT * FROM platform_uploads WHERE id IN (\(unsafeRaw: list))").all(decoding: UploadRow.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0.upload) })
    }

    /// An account's matched and removed uploads in a window.
    public struct RepeatUploader: Sendable, Hashable, Codable {
        public var accountID: String
        public var matched: Int
        public var removed: Int
        public var lastUploadAt: Date?
    }

    /// Per local account, its uploads since `since` that matched and that were removed,
    /// most removed first: the platform's own view of repeat uploaders (never sent to the
    /// hub). With `account`, that account only.
    public func repeatUploaders(since: Date, account: String? = nil, limit: Int) async throws -> [RepeatUploader] {
        struct Row: Decodable { var account_id: String, matched: Int, removed: Int, last_at: Double }
        let only: SQLQueryString = account.map { "AND u.account_id = \(bind: $0)" } ?? ""
        return try await hub.sql.raw("""
            SELECT u.account_id, COUNT(*) AS matched,
                   SUM(CASE WHEN c.decision = 'remove' THEN 1 ELSE 0 END) AS removed, MAX(u.received_at) AS last_at
            FROM platform_uploads u JOIN review_cases c ON c.upload_id = u.id
            WHERE u.account_id IS NOT NULL AND u.received_at >= \(bind: since.timeIntervalSince1970) \(only)
            GROUP BY u.account_id ORDER BY removed DESC, matched DESC, u.account_id LIMIT \(unsafeRaw: String(limit))
            """).all(decoding: Row.self).map {
            RepeatUploader(accountID: $0.account_id, matched: $0.matched, removed: $0.removed, lastUploadAt: Date(timeIntervalSince1970: $0.last_at))
        }
    }

    // MARK: Inside a transaction

    static func openCase(for upload: Int, origin: String, matches: [ReviewMatch], now: Date,
                         on db: any Database) async throws -> ReviewCase {
        let sql = db as! any SQLDatabase
        let priority = matches.map(\.priority).max() ?? 0
        let id = try await sql.raw("""
            INSERT INTO review_cases (upload_id, origin, state, priority, opened_at, automated)
            VALUES (\(bind: upload), \(bind: origin), 'open', \(bind: priority), \(bind: now.timeIntervalSince1970), \(bind: false))
            RETURNING id
            """).first(decoding: IDRow.self)!.id
        try await insertMatches(matches, case: id, on: sql)
        try await event(case: id, .caseOpened, ["origin": origin, "matches": "\(matches.count)"], now: now, on: db)
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

    private static func reviewCase(upload: Int, on sql: any SQLDatabase) async throws -> ReviewCase? {
        struct Row: Decodable { var id: Int }
        guard let row = try await sql.raw("SELECT id FROM review_cases WHERE upload_id = \(bind: upload)").first(decoding: Row.self) else { return nil }
        return try await reviewCase(id: row.id, on: sql)
    }

    static func reviewCase(id: Int, on sql: any SQLDatabase) async throws -> ReviewCase? {
        try await reviewCases(ids: [id], on: sql).first
    }

    /// The cases with these ids, in their order, with their matches: two queries.
    static func reviewCases(ids: [Int], on sql: any SQLDatabase) async throws -> [ReviewCase] {
        guard !ids.isEmpty else { return [] }
        struct Row: Decodable {
            var id: Int, upload_id: Int, origin: String, state: String, priority: Int, opened_at: Double
            var decision: String?, reason: String?, decided_at: Double?, decided_by: String?, automated: Bool, published_at: Double?
        }
        struct MatchRow: Decodable { var case_id: Int, signal_id: Int, distance: Int }
        let list = ids.map(String.init).joined(separator: ",")
        let rows = try await sql.raw("SELECT * FROM review_cases WHERE id IN (\(unsafeRaw: list))").all(decoding: Row.self)
        var matches: [Int: [ReviewMatch]] = [:]
        for row in try await sql.raw("""
            SELECT case_id, signal_id, distance FROM review_matches WHERE case_id IN (\(unsafeRaw: list)) ORDER BY distance, signal_id
            """).all(decoding: MatchRow.self) {
            matches[row.case_id, default: []].append(ReviewMatch(signalID: row.signal_id, distance: row.distance))
        }
        var byID: [Int: ReviewCase] = [:]
        for row in rows {
            byID[row.id] = ReviewCase(
                id: row.id, uploadID: row.upload_id, origin: row.origin, state: row.state, priority: row.priority,
                openedAt: Date(timeIntervalSince1970: row.opened_at), decision: row.decision, reason: row.reason,
                decidedAt: row.decided_at.map(Date.init(timeIntervalSince1970:)), decidedBy: row.decided_by,
                automated: row.automated, publishedAt: row.published_at.map(Date.init(timeIntervalSince1970:)),
                matches: matches[row.id] ?? [])
        }
        return ids.compactMap { byID[$0] }
    }
}

struct IDRow: Decodable { var id: Int }

struct UploadRow: Decodable {
    var id: Int, content_id: String, account_id: String?, client_context: String?, pdq: String?, pdq_quality: Int?
    var md5: String?, sha256: String?, frames: Data?, received_at: Double, expires_at: Double

    var upload: HubStore.PlatformUpload {
        .init(id: id, contentID: content_id, accountID: account_id, clientContext: client_context, pdq: pdq, pdqQuality: pdq_quality,
              md5: md5, sha256: sha256, frames: frames.map { Array($0) },
              receivedAt: Date(timeIntervalSince1970: received_at), expiresAt: Date(timeIntervalSince1970: expires_at))
    }
}
