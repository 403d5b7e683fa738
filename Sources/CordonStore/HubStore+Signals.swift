import CordonDomain
import FluentKit
import FluentSQLiteDriver
import Foundation
import PostgresNIO
import SQLKit
import SQLiteNIO

/// What happened to one submitted signal.
public enum SubmissionOutcome: String, Sendable, Codable {
    /// A new signal.
    case created
    /// The hash was there already: the caller was added as a source (or it was revived).
    case sourceAdded = "source-added"
    /// The caller had contributed it before: nothing changed.
    case unchanged
}

/// What a submission stored: each submitted signal as stored, with its outcome, in the
/// order submitted; and the feed entries written, so the replica that wrote them can apply
/// them without reading them back.
public struct SubmissionReceipt: Sendable {
    public var results: [(signal: StoredSignal, outcome: SubmissionOutcome)]
    public var changes: [SignalChange]
    /// On SQLite: the newest id the ``SignalDirectory`` had read when the rows were added.
    var directoryRead: Int?

    /// Tells the directory, once committed, of the rows this submission added.
    func commit(to directory: SignalDirectory?) {
        guard let directory, let directoryRead else { return }
        directory.remember(results.filter { $0.outcome == .created }.map(\.signal), addedAfter: directoryRead)
    }
}

extension HubStore {
    /// Adds signals to a collection, all or nothing, in a few statements however many there
    /// are (bulk ingest is a hot path). A hash already in the collection gains the caller
    /// as a source instead of a duplicate row; a retracted one is revived. The same hash
    /// twice in one request counts once.
    public func submit(_ submissions: [SignalSubmission], to collectionID: UUID, by caller: Caller)
        async throws -> SubmissionReceipt
    {
        let directory = hub.signalDirectory
        let receipt = try await hub.write([.signals]) { db in
            return try await Self.addSignals(submissions, to: collectionID, by: caller, now: Date(), directory: directory, on: db)
        }
        receipt.commit(to: directory)
        hub.feedGrew(by: receipt.results.count { $0.outcome == .created })
        return receipt
    }

    /// ``submit(_:to:by:)`` inside a transaction that holds the feed lock. `directory` is
    /// the hub's on SQLite (where the table has no unique index), `nil` on PostgreSQL.
    static func addSignals(_ submissions: [SignalSubmission], to collectionID: UUID, by caller: Caller, now: Date,
                           directory: SignalDirectory?, on db: any Database) async throws -> SubmissionReceipt {
        let sql = db as! any SQLDatabase
        let now = Date.stored(now, on: sql)
        let submissions = try await sameFiles(submissions, in: collectionID, on: sql)
        var firsts: [SignalKey: SignalSubmission] = [:]
        var keys: [SignalKey] = []
        for submission in submissions {
            let key = SignalKey(submission.type, submission.value)
            if firsts[key] == nil {
                firsts[key] = submission
                keys.append(key)
            }
        }
        var signals: [SignalKey: StoredSignal] = [:]
        var outcomes: [SignalKey: SubmissionOutcome] = [:]
        let inserted: [(id: Int, key: SignalKey)]
        let known: [SignalKey]
        let existing: [SignalKey: StoredSignal]
        var directoryRead: Int?
        if let directory, let sqlite = sql as? any SQLiteDatabase {
            // The directory says which hashes the collection may have; their rows say which it has.
            directoryRead = try await directory.catchUp(on: sqlite)
            existing = try await storedSignals(directory.candidates(for: keys, in: collectionID), in: collectionID, on: sql)
            inserted = try await appendSignals(keys.filter { existing[$0] == nil }.map { firsts[$0]! }, to: collectionID,
                                               by: caller, at: now, on: sqlite)
            known = keys.filter { existing[$0] != nil }
        } else {
            // New hashes first, skipping (not failing on) those the collection has: one index
            // probe per hash, where asking first and inserting after took two.
            inserted = try await insertNew(keys.map { firsts[$0]! }, into: collectionID, by: caller, at: now, on: sql)
            let insertedKeys = Set(inserted.map(\.key))
            known = keys.filter { !insertedKeys.contains($0) }
            existing = try await existingSignals(for: known, in: collectionID, on: sql)
        }
        let created = inserted.map { StoredSignal($0.id, firsts[$0.key]!, in: collectionID, by: caller, at: now) }
        for signal in created {
            signals[signal.key] = signal
        }
        var touched: [StoredSignal] = []
        for key in known {
            guard var signal = existing[key] else {
                throw StoreError.conflict(field: "signals", message: "\(key.type.rawValue) \(key.value) changed during the submission; send it again")
            }
            let submission = firsts[key]!
            let revived = signal.status == .retracted
            let newSource = !signal.contributors.contains(caller.organisationID)
            if revived {
                signal.status = .active
                signal.labels = submission.labels
                signal.confidence = submission.confidence
            }
            if newSource { signal.contributors.append(caller.organisationID) }
            // A file's digests travel with its video once anyone knows them.
            let digestsLearnt = (signal.fileMD5 == nil && submission.fileMD5 != nil) || (signal.fileSHA256 == nil && submission.fileSHA256 != nil)
            signal.fileMD5 = signal.fileMD5 ?? submission.fileMD5
            signal.fileSHA256 = signal.fileSHA256 ?? submission.fileSHA256
            if revived || newSource || digestsLearnt {
                signal.updatedAt = now
                touched.append(signal)
            }
            signals[key] = signal
            outcomes[key] = revived || newSource ? .sourceAdded : .unchanged
        }
        for signal in touched {
            try await sql.update(SignalRecord.schema)
                .set("status", to: signal.status.rawValue).set("labels", to: StoredSignal.labelsJSON(signal.labels))
                .set("confidence", to: signal.confidence).set("sources", to: StoredSignal.sourcesJSON(signal.contributors))
                .set("file_md5", to: signal.fileMD5).set("file_sha256", to: signal.fileSHA256)
                .set("updated_at", to: now)
                .where("id", .equal, signal.id).run()
        }
        let changes = try await Self.recordChanges(
            touched.map { ($0, ChangeKind.updated) } + created.map { ($0, ChangeKind.added) },
            in: collectionID, at: now, on: sql)
        try await Self.audit(caller, "signals.submit", target: collectionID.uuidString,
                             detail: ["count": String(submissions.count), "created": String(created.count)], on: db)
        return SubmissionReceipt(
            results: submissions.map { submission in
                let key = SignalKey(submission.type, submission.value)
                return (signals[key]!, outcomes[key] ?? .created)
            },
            changes: changes, directoryRead: directoryRead)
    }

    /// The submissions with a video's value replaced by that of the collection's signal
    /// (or an earlier submission's) of the same file, so a second contributor's hashing of
    /// the same file (another frame rate, another decoder) adds a source, not a duplicate.
    private static func sameFiles(_ submissions: [SignalSubmission], in collectionID: UUID,
                                  on sql: any SQLDatabase) async throws -> [SignalSubmission] {
        let files = Set(submissions.compactMap { $0.type.hasPayload ? $0.fileSHA256 : nil })
        guard !files.isEmpty else { return submissions }
        var known: [String: String] = [:]
        for chunk in Array(files).chunked(500) {
            for row in try await sql.select().column("type").column("value").column("file_sha256").from(SignalRecord.schema)
                .where("collection_id", .equal, collectionID).where("file_sha256", .in, Array(chunk)).all() {
                known[try row.decode(column: "type", as: String.self) + " " + (try row.decode(column: "file_sha256", as: String.self))]
                    = try row.decode(column: "value", as: String.self)
            }
        }
        return submissions.map { submission in
            guard submission.type.hasPayload, let file = submission.fileSHA256 else { return submission }
            let key = submission.type.rawValue + " " + file
            guard let value = known[key], value != submission.value else {
                known[key] = submission.value
                return submission
            }
            var copy = submission
            copy.value = value
            return copy
        }
    }

    /// Inserts the submissions whose hash the collection lacks, in multi-row statements,
    /// and returns the new rows' ids (PostgreSQL, whose unique index finds those it has).
    private static func insertNew(_ submissions: [SignalSubmission], into collectionID: UUID, by caller: Caller,
                                  at now: Date, on sql: any SQLDatabase) async throws -> [(id: Int, key: SignalKey)] {
        let sources = StoredSignal.sourcesJSON([caller.organisationID])
        var inserted: [(id: Int, key: SignalKey)] = []
        inserted.reserveCapacity(submissions.count)
        for chunk in submissions.chunked(500) {
            let insert = sql.insert(into: SignalRecord.schema)
                .columns("collection_id", "type", "value", "item", "labels", "confidence", "status", "sources", "created_at", "updated_at",
                         "payload", "file_md5", "file_sha256")
            for submission in chunk {
                insert.values(SQLBind(collectionID), SQLBind(submission.type.rawValue), SQLBind(submission.value),
                              SQLBind(submission.item), SQLBind(StoredSignal.labelsJSON(submission.labels)),
                              SQLBind(submission.confidence), SQLBind(SignalStatus.active.rawValue), SQLBind(sources),
                              SQLBind(now), SQLBind(now), SQLBind(submission.payload.map { Data($0) }),
                              SQLBind(submission.fileMD5), SQLBind(submission.fileSHA256))
            }
            let rows = try await insert.ignoringConflicts(with: ["collection_id", "type", "value"])
                .returning("id", "type", "value").all()
            for row in rows {
                let key = SignalKey(SignalType(rawValue: try row.decode(column: "type", as: String.self)) ?? .pdq,
                                    try row.decode(column: "value", as: String.self))
                inserted.append((try row.decode(column: "id", as: Int.self), key))
            }
        }
        return inserted
    }

    /// Appends submissions the collection lacks (SQLite, where ``SignalDirectory`` has
    /// found those it has), and returns the new rows' ids.
    private static func appendSignals(_ submissions: [SignalSubmission], to collectionID: UUID, by caller: Caller,
                                      at now: Date, on sqlite: any SQLiteDatabase) async throws -> [(id: Int, key: SignalKey)] {
        let encoder = SQLiteDataEncoder()
        let (collection, time) = (try encoder.encode(collectionID), try encoder.encode(now))
        let (status, sources) = (SQLiteData.text(SignalStatus.active.rawValue), SQLiteData.text(StoredSignal.sourcesJSON([caller.organisationID])))
        let rows = try await sqlite.insert(
            into: SignalRecord.schema,
            columns: ["collection_id", "type", "value", "item", "labels", "confidence", "status", "sources", "created_at", "updated_at",
                      "payload", "file_md5", "file_sha256"],
            rows: submissions.map { submission in
                [collection, .text(submission.type.rawValue), .text(submission.value), submission.item.map(SQLiteData.text) ?? .null,
                 .text(StoredSignal.labelsJSON(submission.labels)), .float(submission.confidence), status, sources, time, time,
                 submission.payload.map { .blob(ByteBuffer(bytes: $0)) } ?? .null,
                 submission.fileMD5.map(SQLiteData.text) ?? .null, submission.fileSHA256.map(SQLiteData.text) ?? .null]
            },
            returning: "id, type, value")
        // SQLite returns the rows in no promised order: each says which hash it holds.
        let inserted: [(id: Int, key: SignalKey)] = rows.compactMap { row in
            guard case .integer(let id) = row.column("id"), case .text(let type) = row.column("type"),
                  case .text(let value) = row.column("value"), let signalType = SignalType(rawValue: type)
            else { return nil }
            return (id, SignalKey(signalType, value))
        }
        guard inserted.count == submissions.count else {
            throw StoreError.conflict(field: "signals", message: "\(inserted.count) of \(submissions.count) signals were stored; send the request again")
        }
        return inserted
    }

    /// Withdraws a signal: `wholly` (the collection's owner) takes it out of matching;
    /// otherwise only the caller's own contribution is withdrawn, and the signal goes when
    /// its last source has. Who may is the services' concern.
    public func retract(signalID: Int, wholly: Bool, by caller: Caller) async throws -> StoredSignal {
        return try await hub.write([.signals]) { db in
            guard let record = try await SignalRecord.find(signalID, on: db) else {
                throw StoreError.notFound(field: "signal", message: "no signal \(signalID)")
            }
            guard record.status != SignalStatus.retracted.rawValue else { return StoredSignal(record) }
            var sources = StoredSignal.sources(record.sources)
            guard wholly || sources.contains(caller.organisationID) else {
                throw StoreError.forbidden(field: "signal", message: "your organisation is not a source of signal \(signalID)")
            }
            sources.removeAll { $0 == caller.organisationID }
            let gone = wholly || sources.isEmpty
            if gone {
                record.status = SignalStatus.retracted.rawValue
            } else {
                record.sources = StoredSignal.sourcesJSON(sources)
            }
            try await record.save(on: db)
            try await Self.recordChanges([(StoredSignal(record), gone ? .retracted : .updated)], in: record.collectionID,
                                         at: Date(), on: db as! any SQLDatabase)
            try await Self.audit(caller, gone ? "signal.retract" : "signal.withdraw-source", target: String(signalID), detail: [:], on: db)
            return StoredSignal(record)
        }
    }

    public func signal(_ id: Int) async throws -> StoredSignal? {
        try await SignalRecord.find(id, on: db).map(StoredSignal.init)
    }

    /// How many signals are stored, retracted ones included.
    public func signalCount() async throws -> Int {
        try await SignalRecord.query(on: db).count()
    }

    /// The cursor of the newest change, 0 when there is none.
    public func latestChange() async throws -> Int {
        let row = try await hub.sql.select().column(SQLFunction("max", args: SQLColumn("id")), as: "latest")
            .from(ChangeRecord.schema).first()
        return try row?.decode(column: "latest", as: Int?.self) ?? 0
    }

    /// Changes after `cursor`, oldest first, with each signal as it is now; of one
    /// collection, or of all of them (how replicas keep their in-memory index current).
    public func changes(after cursor: Int, in collectionID: UUID? = nil, limit: Int) async throws -> [SignalChange] {
        if let sqlite = db as? any SQLiteDatabase {
            // SQLite's own values: a mirror's first copy reads a million of these.
            let rows = try await sqlite.rows(Self.changesStatement(inCollection: collectionID != nil) { _ in "?" }, [.integer(cursor)] + (collectionID.map { [.text($0.uuidString)] } ?? []) + [.integer(limit)])
            // A page's rows repeat their collection, labels and contributors: each parsed once per run.
            var memo = StoredSignal.RowMemo()
            return try rows.map { row in
                guard case .integer(let cursor) = row.column("cursor"), let signal = StoredSignal(sqlite: row, memo: &memo) else {
                    throw StoreError.invalid(field: "signal", message: "the change after \(cursor) has a signal row this version cannot read")
                }
                var kind = ChangeKind.updated
                if case .text(let text) = row.column("change_kind"), let known = ChangeKind(rawValue: text) { kind = known }
                return SignalChange(cursor: cursor, kind: kind, at: row.column("change_at").flatMap(Date.init(sqliteData:)), signal: signal)
            }
        }
        guard let postgres = db as? any PostgresDatabase else {
            throw StoreError.invalid(field: "database", message: "changes are read from SQLite or PostgreSQL only")
        }
        return try await postgresChanges(after: cursor, in: collectionID, limit: limit, on: postgres)
    }

    /// The statement both drivers run for ``changes(after:in:limit:)``, `placeholder(n)`
    /// writing its n-th value as the driver wants it (`?`, `$1`).
    static func changesStatement(inCollection: Bool, placeholder: (Int) -> String) -> String {
        """
        SELECT c.id AS cursor, c.kind AS change_kind, c.at AS change_at, s.*
        FROM \(ChangeRecord.schema) c JOIN \(SignalRecord.schema) s ON c.signal_id = s.id
        WHERE c.id > \(placeholder(1))\(inCollection ? " AND c.collection_id = \(placeholder(2))" : "") \
        ORDER BY c.id LIMIT \(placeholder(inCollection ? 3 : 2))
        """
    }

    /// The rows with these ids that are in the collection, by (type, value).
    private static func storedSignals(_ ids: [Int], in collectionID: UUID,
                                      on sql: any SQLDatabase) async throws -> [SignalKey: StoredSignal] {
        var found: [SignalKey: StoredSignal] = [:]
        for chunk in ids.chunked(500) {
            try await keyed(sql.select().column(SQLLiteral.all).from(SignalRecord.schema)
                .where("id", .in, Array(chunk)).where("collection_id", .equal, collectionID).all(), into: &found)
        }
        return found
    }

    /// The stored rows for these hashes, by (type, value).
    private static func existingSignals(for keys: [SignalKey], in collectionID: UUID,
                                        on sql: any SQLDatabase) async throws -> [SignalKey: StoredSignal] {
        var found: [SignalKey: StoredSignal] = [:]
        for (type, group) in Dictionary(grouping: keys, by: \.type) {
            for chunk in group.map(\.value).chunked(500) {
                try await keyed(sql.select().column(SQLLiteral.all).from(SignalRecord.schema)
                    .where("collection_id", .equal, collectionID).where("type", .equal, type.rawValue)
                    .where("value", .in, Array(chunk)).all(), into: &found)
            }
        }
        return found
    }

    /// Adds `signals` rows to `found`, by (type, value).
    private static func keyed(_ rows: [any SQLRow], into found: inout [SignalKey: StoredSignal]) throws {
        for row in rows {
            let signal = try StoredSignal(row: row)
            found[signal.key] = signal
        }
    }

    /// Appends feed entries, in the order given, and returns them with their cursors.
    @discardableResult
    static func recordChanges(_ changes: [(StoredSignal, ChangeKind)], in collectionID: UUID, at time: Date,
                              on sql: any SQLDatabase) async throws -> [SignalChange] {
        var recorded: [SignalChange] = []
        recorded.reserveCapacity(changes.count)
        var cursors: [Int] = []
        if let sqlite = sql as? any SQLiteDatabase {
            let encoder = SQLiteDataEncoder()
            let (collection, at) = (try encoder.encode(collectionID), try encoder.encode(time))
            let rows = try await sqlite.insert(
                into: ChangeRecord.schema, columns: ["collection_id", "signal_id", "kind", "at"],
                rows: changes.map { signal, kind in [collection, .integer(signal.id), .text(kind.rawValue), at] },
                returning: "id")
            cursors = rows.compactMap { row in
                guard case .integer(let id) = row.column("id") else { return nil }
                return id
            }
        } else {
            for chunk in changes.chunked(1000) {
                let insert = sql.insert(into: ChangeRecord.schema).columns("collection_id", "signal_id", "kind", "at")
                for (signal, kind) in chunk {
                    insert.values(SQLBind(collectionID), SQLBind(signal.id), SQLBind(kind.rawValue), SQLBind(time))
                }
                cursors += try await insert.returning("id").all().map { try $0.decode(column: "id", as: Int.self) }
            }
        }
        // Cursors are assigned in insertion order, whatever order the rows come back in.
        cursors.sort()
        guard cursors.count == changes.count else {
            throw StoreError.conflict(field: "signals", message: "the feed took \(cursors.count) of \(changes.count) changes; send the request again")
        }
        for ((signal, kind), cursor) in zip(changes, cursors) {
            recorded.append(SignalChange(cursor: cursor, kind: kind, at: time, signal: signal))
        }
        return recorded
    }
}

extension StoredSignal {
    /// Its identity within its collection.
    var key: SignalKey { SignalKey(type, value) }
}

/// A signal's identity within one collection.
struct SignalKey: Hashable {
    var type: SignalType
    var value: String

    init(_ type: SignalType, _ value: String) {
        self.type = type
        self.value = value
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
