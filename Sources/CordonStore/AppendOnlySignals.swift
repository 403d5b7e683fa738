import FluentKit
import SQLKit

/// Version 5: on SQLite, the signals table without its unique index on (collection, type,
/// value), and with ids that are never reused. That index put every new hash at a random
/// place in a large B-tree, so that a bulk submission into a table of a million rewrote
/// thousands of pages; the hub's ``SignalDirectory`` keeps those keys unique instead, and
/// the table is appended to. It reads new rows by id, hence `AUTOINCREMENT`: a row is
/// always numbered above every row before it, deleted ones included. An index on the
/// collection alone, which a growing collection also appends to, serves the reads of one
/// collection. PostgreSQL, where several replicas write, keeps the unique index.
///
/// SQLite cannot drop a table's constraint, so the table is rebuilt: one copy of every row,
/// in one transaction (about 5 s per million signals, once).
struct AppendOnlySignals: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await rebuild(on: database, appendOnly: true)
    }

    func revert(on database: any Database) async throws {
        try await rebuild(on: database, appendOnly: false)
    }

    private func rebuild(on database: any Database, appendOnly: Bool) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "sqlite" else { return }
        let table = SignalRecord.schema
        let columns = "id, collection_id, type, value, item, labels, confidence, status, sources, created_at, updated_at"
        let key = appendOnly ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "INTEGER PRIMARY KEY"
        let unique = appendOnly ? "" : #", CONSTRAINT "uq:signals.collection_id+signals.type+signals.value" UNIQUE (collection_id, type, value)"#
        try await database.transaction { db in
            let sql = db as! any SQLDatabase
            try await sql.raw("""
                CREATE TABLE \(unsafeRaw: table)_rebuilt (id \(unsafeRaw: key),
                collection_id UUID NOT NULL REFERENCES \(unsafeRaw: CollectionRecord.schema) (id),
                type TEXT NOT NULL, value TEXT NOT NULL, item TEXT, labels TEXT NOT NULL, confidence DOUBLE NOT NULL,
                status TEXT NOT NULL, sources TEXT NOT NULL, created_at REAL, updated_at REAL\(unsafeRaw: unique))
                """).run()
            try await sql.raw("INSERT INTO \(unsafeRaw: table)_rebuilt (\(unsafeRaw: columns)) SELECT \(unsafeRaw: columns) FROM \(unsafeRaw: table)").run()
            try await sql.raw("DROP TABLE \(unsafeRaw: table)").run()
            try await sql.raw("ALTER TABLE \(unsafeRaw: table)_rebuilt RENAME TO \(unsafeRaw: table)").run()
            if appendOnly {
                try await sql.create(index: "signals_by_collection").on(table).column("collection_id").run()
            }
        }
    }
}
