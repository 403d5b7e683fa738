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

    /// Each copied collection's cursor: the last upstream change applied (0: none yet).
    public func upstreamCursors() async throws -> [UUID: Int] {
        struct Row: Decodable { var collection_id: String, cursor: Int }
        let rows = try await hub.sql.raw("SELECT collection_id, cursor FROM upstream_cursors").all(decoding: Row.self)
        return Dictionary(uniqueKeysWithValues: rows.compactMap { row in UUID(uuidString: row.collection_id).map { ($0, row.cursor) } })
    }

    /// How many changes the copy of `collection` has applied (one per upstream change: a
    /// page applied twice would show here).
    public func changeCount(in collection: UUID) async throws -> Int {
        try await ChangeRecord.query(on: db).filter(\.$collectionID == collection).count()
    }

    /// Starts copying an upstream collection: the collection under the hub's id (owned by
    /// no one here, so no local caller can write to it), read access for `reader`, and a
    /// cursor at 0. A collection copied already keeps its cursor; its name follows the hub's.
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
                    INSERT INTO upstream_cursors (collection_id, cursor) VALUES (\(bind: id.uuidString), 0)
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
    private static func upsertUpstream(_ signals: [StoredSignal], on sql: any SQLDatabase) async throws {
        var latest: [Int: StoredSignal] = [:]
        for signal in signals { latest[signal.id] = signal }
        let ordered = latest.values.sorted(by: { $0.id < $1.id })
        let columns = ["id", "collection_id", "type", "value", "item", "labels", "confidence", "status", "sources",
                       "created_at", "updated_at", "payload", "file_md5", "file_sha256"]
        let updated = ["labels", "confidence", "status", "sources", "item", "updated_at"]
        if let sqlite = sql as? any SQLiteDatabase {
            // SQLite's own values: SQLKit's Encodable binds were most of a page's time.
            let encoder = SQLiteDataEncoder()
            func text(_ value: String?) -> SQLiteData { value.map(SQLiteData.text) ?? .null }
            let rows = try ordered.map { signal -> [SQLiteData] in
                [.integer(signal.id), try encoder.encode(signal.collectionID), .text(signal.type.rawValue), .text(signal.value),
                 text(signal.item), .text(StoredSignal.labelsJSON(signal.labels)), .float(signal.confidence),
                 .text(signal.status.rawValue), .text(StoredSignal.sourcesJSON(signal.contributors)),
                 try signal.createdAt.map { try encoder.encode($0) } ?? .null, try signal.updatedAt.map { try encoder.encode($0) } ?? .null,
                 signal.payload.map { .blob(ByteBuffer(bytes: $0)) } ?? .null, text(signal.fileMD5), text(signal.fileSHA256)]
            }
            _ = try await sqlite.insert(into: SignalRecord.schema, columns: columns, rows: rows, returning: nil,
                                        onConflict: "ON CONFLICT (id) DO UPDATE SET " + updated.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
            return
        }
        for chunk in ordered.chunked(200) {
            let insert = sql.insert(into: SignalRecord.schema).columns(columns)
            for signal in chunk {
                insert.values(SQLBind(signal.id), SQLBind(signal.collectionID), SQLBind(signal.type.rawValue), SQLBind(signal.value),
                              SQLBind(signal.item), SQLBind(StoredSignal.labelsJSON(signal.labels)), SQLBind(signal.confidence),
                              SQLBind(signal.status.rawValue), SQLBind(StoredSignal.sourcesJSON(signal.contributors)),
                              SQLBind(signal.createdAt), SQLBind(signal.updatedAt), SQLBind(signal.payload.map { Data($0) }),
                              SQLBind(signal.fileMD5), SQLBind(signal.fileSHA256))
            }
            try await insert.onConflict(with: ["id"]) { conflict in
                updated.reduce(conflict) { $0.set(excludedValueOf: $1) }
            }.run()
        }
    }
}
