import CordonDomain
import FluentKit
import Foundation
import SQLKit
import SQLiteNIO

/// A mirror's first copy, taken from the hub's signals as they are rather than replayed
/// change by change: the hub pages through a collection's signals in id order and names
/// the feed cursor they reflect at least; the mirror stores each page with its progress in
/// one transaction, and follows the feed from that cursor once the last page is in.
///
/// A page read later than the cursor may already hold a later state of a signal; the feed
/// then brings the same state again, which changes nothing, since a change carries the
/// signal as it is, not a difference.
extension HubStore {
    /// The hub's side: up to `limit` signals of `collection` (retracted ones too) with ids
    /// above `after`, and the newest feed cursor of the collection, read first, so every
    /// change up to it shows in the signals.
    public func signalSnapshot(of collection: UUID, after: Int, limit: Int) async throws -> (asOf: Int, signals: [StoredSignal]) {
        let asOf = try await hub.sql.select().column(SQLFunction("max", args: SQLColumn("id")), as: "latest")
            .from(ChangeRecord.schema).where("collection_id", .equal, collection).first()?
            .decode(column: "latest", as: Int?.self) ?? 0
        if let sqlite = db as? any SQLiteDatabase {
            // `+collection_id` keeps SQLite on the id order of the table itself, not the
            // (collection, type, value) index and a sort of the whole collection per page.
            let rows = try await sqlite.rows("""
                SELECT * FROM \(SignalRecord.schema) WHERE id > ? AND +collection_id = ? ORDER BY id LIMIT ?
                """, [.integer(after), .text(collection.uuidString), .integer(limit)])
            var memo = StoredSignal.RowMemo()
            return (asOf, try rows.map { row in
                guard let signal = StoredSignal(sqlite: row, memo: &memo) else {
                    throw StoreError.invalid(field: "signal", message: "a signal after \(after) has a row this version cannot read")
                }
                return signal
            })
        }
        let rows = try await hub.sql.select().column(SQLLiteral.all).from(SignalRecord.schema)
            .where("collection_id", .equal, collection).where("id", .greaterThan, after)
            .orderBy("id").limit(limit).all()
        return (asOf, try rows.map { try StoredSignal(row: $0) })
    }

    /// The mirror's side: stores a page of the first copy of `collection` (the hub's
    /// signals after `after`, through `next`), its progress, and `recheck` (the kept
    /// uploads against it), in one transaction. With `complete`, the copy is done and the
    /// cursor moves to the hub's cursor of the copy's first page (`asOf` of that page is
    /// kept; later pages' are ignored). A page that does not start where the stored
    /// progress stands (applied already, before a crash) changes nothing. Returns whether
    /// it was applied.
    public func applyUpstreamSnapshot(_ signals: [StoredSignal], in collection: UUID, after: Int, through next: Int,
                                      asOf: Int, complete: Bool, recheck: Recheck = Recheck()) async throws -> Bool {
        try await hub.write([.signals]) { db in
            let sql = db as! any SQLDatabase
            struct Row: Decodable { var snapshot_after: Int?, snapshot_as_of: Int? }
            guard let stored = try await sql.raw("""
                SELECT snapshot_after, snapshot_as_of FROM upstream_cursors WHERE collection_id = \(bind: collection.uuidString)
                """).first(decoding: Row.self) else {
                throw StoreError.notFound(field: "collection", message: "collection \(collection) is not copied here; adopt it first")
            }
            guard stored.snapshot_after == after else { return false }
            let mine = signals.filter { $0.collectionID == collection }
            if !mine.isEmpty {
                try await Self.upsertUpstream(mine, on: sql)
                try await Self.apply(recheck, now: Date(), on: db)
            }
            let takenAt = stored.snapshot_as_of ?? asOf
            if complete {
                try await sql.raw("""
                    UPDATE upstream_cursors SET cursor = \(bind: takenAt), snapshot_after = NULL, snapshot_as_of = \(bind: takenAt)
                    WHERE collection_id = \(bind: collection.uuidString)
                    """).run()
            } else {
                try await sql.raw("""
                    UPDATE upstream_cursors SET snapshot_after = \(bind: next), snapshot_as_of = \(bind: takenAt)
                    WHERE collection_id = \(bind: collection.uuidString)
                    """).run()
            }
            return true
        }
    }

    /// How many signals of `collection` are stored, retracted ones included.
    public func signalCount(in collection: UUID) async throws -> Int {
        try await SignalRecord.query(on: db).filter(\.$collectionID == collection).count()
    }

    /// Gives up on a first copy the hub cannot serve (an older hub): the feed is followed
    /// from the start instead. Only before any page was copied.
    public func abandonUpstreamSnapshot(of collection: UUID) async throws {
        try await hub.write([.signals]) { db in
            try await (db as! any SQLDatabase).raw("""
                UPDATE upstream_cursors SET snapshot_after = NULL
                WHERE collection_id = \(bind: collection.uuidString) AND snapshot_after = 0 AND cursor = 0
                """).run()
        }
    }
}
