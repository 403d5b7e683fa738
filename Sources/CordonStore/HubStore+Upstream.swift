import CordonDomain
import FluentKit
import FluentSQLiteDriver
import Foundation
import NIOCore
import SQLKit
import SQLiteNIO

/// A mirror's copy of collections of an upstream hub: the hub's signals under the hub's
/// ids, each collection's feed cursor beside them.
extension HubStore {
    /// One change of the upstream hub's feed: its cursor there, and the signal as it is now.
    public struct UpstreamChange: Sendable {
        public var cursor: Int
        public var kind: ChangeKind
        public var signal: StoredSignal

        public init(cursor: Int, kind: ChangeKind, signal: StoredSignal) {
            self.cursor = cursor
            self.kind = kind
            self.signal = signal
        }
    }

    /// Where a copied collection stands against the upstream hub.
    public struct UpstreamPosition: Sendable, Equatable {
        /// The last upstream change applied (0: none yet).
        public var cursor: Int
        /// While the first copy is under way: the last upstream signal id it has copied
        /// (0: none yet). Nil once it is done, and the feed is followed from ``cursor``.
        public var snapshotAfter: Int?
        /// The hub's cursor the first copy was taken at (nil: not started, or copied change
        /// by change before version 14).
        public var snapshotAsOf: Int?

        public init(cursor: Int, snapshotAfter: Int? = nil, snapshotAsOf: Int? = nil) {
            self.cursor = cursor
            self.snapshotAfter = snapshotAfter
            self.snapshotAsOf = snapshotAsOf
        }
    }

    /// Each copied collection's position.
    public func upstreamPositions() async throws -> [UUID: UpstreamPosition] {
        struct Row: Decodable { var collection_id: String, cursor: Int, snapshot_after: Int?, snapshot_as_of: Int? }
        let rows = try await hub.sql.raw("SELECT collection_id, cursor, snapshot_after, snapshot_as_of FROM upstream_cursors")
            .all(decoding: Row.self)
        return Dictionary(uniqueKeysWithValues: rows.compactMap { row in
            UUID(uuidString: row.collection_id).map {
                ($0, UpstreamPosition(cursor: row.cursor, snapshotAfter: row.snapshot_after, snapshotAsOf: row.snapshot_as_of))
            }
        })
    }

    /// How many changes the copy of `collection` has applied (one per upstream change: a
    /// page applied twice would show here).
    public func changeCount(in collection: UUID) async throws -> Int {
        try await ChangeRecord.query(on: db).filter(\.$collectionID == collection).count()
    }

    /// Starts copying an upstream collection: the collection under the hub's id (owned by
    /// no one here, so no local caller can write to it), read access for `reader`, a cursor
    /// at 0 and a first copy to take. A collection copied already keeps its cursor; its name follows the hub's.
    public func adoptUpstreamCollection(id: UUID, name: String, description: String, incident: UUID?, drill: Bool?,
                                        reader: UUID) async throws {
        try await hub.write([.access]) { db in
            if let existing = try await CollectionRecord.find(id, on: db) {
                existing.name = name
                existing.description = description
                existing.incidentID = incident
                existing.drill = drill
                try await existing.save(on: db)
            } else {
                let record = CollectionRecord(id: id, name: name, description: description, ownerID: nil)
                record.incidentID = incident
                record.drill = drill
                try await record.create(on: db)
                try await (db as! any SQLDatabase).raw("""
                    INSERT INTO upstream_cursors (collection_id, cursor, snapshot_after) VALUES (\(bind: id.uuidString), 0, 0)
                    """).run()
            }
            if try await MembershipRecord.query(on: db).filter(\.$collectionID == id).filter(\.$organisationID == reader).first() == nil {
                try await MembershipRecord(collectionID: id, organisationID: reader, access: CollectionAccess.read.rawValue).create(on: db)
            }
        }
    }

    /// Applies a page of the upstream feed of `collection`, in one transaction: every
    /// change past the stored cursor writes its signal as the hub has it and a local change
    /// (for the in-memory catalog), and the cursor moves to the page's last. Changes at or
    /// before the stored cursor are skipped, so a page applied twice (after a crash between
    /// commit and acknowledgement) changes nothing. Returns the local changes recorded.
    /// `recheck` (a mirror's uploads against the page) commits with it.
    public func applyUpstream(_ changes: [UpstreamChange], in collection: UUID, recheck: Recheck = Recheck()) async throws -> [SignalChange] {
        guard !changes.isEmpty else { return [] }
        return try await hub.write([.signals]) { db in
            let sql = db as! any SQLDatabase
            struct Row: Decodable { var cursor: Int }
            guard let stored = try await sql.raw("""
                SELECT cursor FROM upstream_cursors WHERE collection_id = \(bind: collection.uuidString)
                """).first(decoding: Row.self)?.cursor else {
                throw StoreError.notFound(field: "collection", message: "collection \(collection) is not copied here; adopt it first")
            }
            let fresh = changes.filter { $0.cursor > stored }
            guard let last = fresh.map(\.cursor).max() else { return [] }
            let mine = fresh.filter { $0.signal.collectionID == collection }
            var recorded: [SignalChange] = []
            if !mine.isEmpty {
                try await Self.upsertUpstream(mine.map(\.signal), on: sql)
                recorded = try await Self.recordChanges(mine.map { ($0.signal, $0.kind) }, in: collection, at: Date(), on: sql)
                try await Self.apply(recheck, now: Date(), on: db)
            }
            try await sql.raw("""
                UPDATE upstream_cursors SET cursor = \(bind: last) WHERE collection_id = \(bind: collection.uuidString)
                """).run()
            return recorded
        }
    }

    /// Writes signals under their upstream ids; a signal stored already takes the hub's
    /// labels, status and contributors (the newest state of one named twice wins).
    static func upsertUpstream(_ signals: [StoredSignal], on sql: any SQLDatabase) async throws {
        // A first copy's pages come in id order, each id once: nothing to sort out.
        var ordered = signals
        if !zip(signals, signals.dropFirst()).allSatisfy({ $0.id < $1.id }) {
            var latest: [Int: StoredSignal] = [:]
            for signal in signals { latest[signal.id] = signal }
            ordered = latest.values.sorted(by: { $0.id < $1.id })
        }
        let columns = ["id", "collection_id", "type", "value", "labels", "confidence", "status", "sources",
                       "created_at", "updated_at", "item", "payload", "file_md5", "file_sha256"]
        let updated = ["labels", "confidence", "status", "sources", "item", "updated_at"]
        if let sqlite = sql as? any SQLiteDatabase {
            // SQLite's own values, as SQLiteKit's encoder makes them: its Encodable binds
            // were most of a page's time. A page's collection, labels and contributors
            // repeat from one signal to the next, so each is written once per run.
            // Rows without an item, payload or file (image hashes, digests) leave those four
            // columns out: fewer values for SQLite to parse and bind.
            func text(_ value: String?) -> SQLiteData { value.map(SQLiteData.text) ?? .null }
            var collection: (UUID, SQLiteData)?, labels: (SignalLabels, SQLiteData)?, sources: ([UUID], SQLiteData)?
            var plain: [[SQLiteData]] = [], full: [[SQLiteData]] = []
            plain.reserveCapacity(ordered.count)
            for signal in ordered {
                if collection?.0 != signal.collectionID { collection = (signal.collectionID, .text(signal.collectionID.uuidString)) }
                if labels?.0 != signal.labels { labels = (signal.labels, .text(StoredSignal.labelsJSON(signal.labels))) }
                if sources?.0 != signal.contributors { sources = (signal.contributors, .text(StoredSignal.sourcesJSON(signal.contributors))) }
                let row: [SQLiteData] = [.integer(signal.id), collection!.1, .text(signal.type.rawValue), .text(signal.value), labels!.1,
                                         .float(signal.confidence), .text(signal.status.rawValue), sources!.1,
                                         signal.createdAt?.sqliteData ?? .null, signal.updatedAt?.sqliteData ?? .null]
                if signal.item == nil, signal.payload == nil, signal.fileMD5 == nil, signal.fileSHA256 == nil {
                    plain.append(row)
                } else {
                    full.append(row + [text(signal.item), signal.payload.map { .blob(ByteBuffer(bytes: $0)) } ?? .null,
                                       text(signal.fileMD5), text(signal.fileSHA256)])
                }
            }
            let upsert = "ON CONFLICT (id) DO UPDATE SET " + updated.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            _ = try await sqlite.insert(into: SignalRecord.schema, columns: Array(columns.prefix(10)), rows: plain, returning: nil, onConflict: upsert)
            _ = try await sqlite.insert(into: SignalRecord.schema, columns: columns, rows: full, returning: nil, onConflict: upsert)
            return
        }
        for chunk in ordered.chunked(200) {
            let insert = sql.insert(into: SignalRecord.schema).columns(columns)
            for signal in chunk {
                insert.values(SQLBind(signal.id), SQLBind(signal.collectionID), SQLBind(signal.type.rawValue), SQLBind(signal.value),
                              SQLBind(StoredSignal.labelsJSON(signal.labels)), SQLBind(signal.confidence),
                              SQLBind(signal.status.rawValue), SQLBind(StoredSignal.sourcesJSON(signal.contributors)),
                              SQLBind(signal.createdAt), SQLBind(signal.updatedAt), SQLBind(signal.item), SQLBind(signal.payload.map { Data($0) }),
                              SQLBind(signal.fileMD5), SQLBind(signal.fileSHA256))
            }
            try await insert.onConflict(with: ["id"]) { conflict in
                updated.reduce(conflict) { $0.set(excludedValueOf: $1) }
            }.run()
        }
    }
}
