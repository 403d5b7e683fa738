import FluentKit
import SQLKit

/// Version 5, SQLite only: the tables that are read in id order get ids that are never
/// reused, and signals lose their unique index.
///
/// - Ids: SQLite numbers a row one above the largest id present, so once a purged drill's
///   rows were the newest, the next rows took their ids, and a reader that had passed
///   those ids (a replica's change follower, a stream's cursor, ``SignalDirectory``)
///   skipped the new rows. `AUTOINCREMENT` numbers each row above every row ever stored.
///   PostgreSQL's sequences never reuse ids.
/// - The unique index on signals' (collection, type, value) put every new hash at a
///   random place in a large B-tree, so a bulk submission into a table of a million
///   rewrote thousands of pages; ``SignalDirectory`` keeps those keys unique instead, and
///   the table is appended to. An index on the collection alone, which a growing
///   collection also appends to, serves reads of one collection. PostgreSQL, where
///   several replicas write, keeps the unique index.
///
/// SQLite changes neither in place, so each table is rebuilt: one copy of every row, in
/// one transaction (about 5 s per million signals, once).
struct AppendOnlyLogs: AsyncMigration {
    private struct Table {
        var name: String
        /// Every column but `id`, as SQLite declares them.
        var columns: [(name: String, type: String)]
        /// Version 4's constraint, put back by `revert`.
        var uniqueBefore: [String] = []
        var indexes: [(name: String, columns: [String])]
        /// Version 4's indexes, put back by `revert`.
        var indexesBefore: [(name: String, columns: [String])]
    }

    private static let tables = [
        Table(name: SignalRecord.schema,
              columns: [("collection_id", "UUID NOT NULL REFERENCES \(CollectionRecord.schema) (id)"), ("type", "TEXT NOT NULL"),
                        ("value", "TEXT NOT NULL"), ("item", "TEXT"), ("labels", "TEXT NOT NULL"), ("confidence", "DOUBLE NOT NULL"),
                        ("status", "TEXT NOT NULL"), ("sources", "TEXT NOT NULL"), ("created_at", "REAL"), ("updated_at", "REAL")],
              uniqueBefore: ["collection_id", "type", "value"],
              indexes: [("signals_by_collection", ["collection_id"])], indexesBefore: []),
        Table(name: ChangeRecord.schema,
              columns: [("collection_id", "UUID NOT NULL"), ("signal_id", "INTEGER NOT NULL"), ("kind", "TEXT NOT NULL"), ("at", "REAL")],
              indexes: [("changes_by_collection", ["collection_id", "id"])],
              indexesBefore: [("changes_by_collection", ["collection_id", "id"])]),
        Table(name: IncidentEventRecord.schema,
              columns: [("incident_id", "UUID NOT NULL"), ("kind", "TEXT NOT NULL"), ("drill", "INTEGER NOT NULL"),
                        ("organisation_id", "UUID"), ("at", "REAL NOT NULL"), ("detail", "TEXT NOT NULL")],
              indexes: [("incident_events_by_incident", ["incident_id", "id"])],
              indexesBefore: [("incident_events_by_incident", ["incident_id", "id"])]),
    ]

    func prepare(on database: any Database) async throws {
        try await rebuild(on: database, appendOnly: true)
    }

    func revert(on database: any Database) async throws {
        try await rebuild(on: database, appendOnly: false)
    }

    private func rebuild(on database: any Database, appendOnly: Bool) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "sqlite" else { return }
        try await database.transaction { db in
            let sql = db as! any SQLDatabase
            for table in Self.tables {
                let key = appendOnly ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "INTEGER PRIMARY KEY"
                var definitions = ["id \(key)"] + table.columns.map { "\($0.name) \($0.type)" }
                if !appendOnly && !table.uniqueBefore.isEmpty {
                    definitions.append("CONSTRAINT \"uq:\(table.uniqueBefore.map { "\(table.name).\($0)" }.joined(separator: "+"))\" UNIQUE (\(table.uniqueBefore.joined(separator: ", ")))")
                }
                let names = (["id"] + table.columns.map(\.name)).joined(separator: ", ")
                try await sql.raw("CREATE TABLE \(unsafeRaw: table.name)_rebuilt (\(unsafeRaw: definitions.joined(separator: ", ")))").run()
                try await sql.raw("INSERT INTO \(unsafeRaw: table.name)_rebuilt (\(unsafeRaw: names)) SELECT \(unsafeRaw: names) FROM \(unsafeRaw: table.name)").run()
                try await sql.raw("DROP TABLE \(unsafeRaw: table.name)").run()
                try await sql.raw("ALTER TABLE \(unsafeRaw: table.name)_rebuilt RENAME TO \(unsafeRaw: table.name)").run()
                for index in appendOnly ? table.indexes : table.indexesBefore {
                    var create = sql.create(index: SQLIdentifier(index.name)).on(table.name)
                    for column in index.columns { create = create.column(column) }
                    try await create.run()
                }
            }
        }
    }
}
