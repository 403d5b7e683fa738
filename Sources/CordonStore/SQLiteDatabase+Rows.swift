import SQLiteNIO

extension SQLiteDatabase {
    /// Runs `sql` and hands each row to `body` as SQLite steps to it, on the connection's
    /// thread.
    ///
    /// The handles FluentKit gives out implement `query` by queueing one event-loop task
    /// per row; a connection's own `query` does not, and at a million rows that was most of
    /// the time spent.
    func forEachRow(_ sql: String, _ binds: [SQLiteData] = [], _ body: @escaping @Sendable (SQLiteRow) -> Void) async throws {
        try await withConnection { connection in try await connection.query(sql, binds, body) }
    }

    /// Runs `sql` and returns its rows (see ``forEachRow(_:_:_:)``).
    func rows(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        try await withConnection { connection in try await connection.query(sql, binds) }
    }

    /// Inserts rows (values in `columns`' order) in as few statements as SQLite's limit on
    /// bound values allows, and returns each row's `returning` columns (none when nil).
    /// `onConflict` is an upsert clause, such as `ON CONFLICT (id) DO UPDATE SET …`.
    ///
    /// The values are SQLite's own. SQLKit encodes each bound value through `Encodable`,
    /// which for the 100,000 values of a 10,000-hash submission was most of its insert's
    /// time; so were its generic column decoders for the rows returned.
    func insert(into table: String, columns: [String], rows values: [[SQLiteData]], returning: String?,
                onConflict: String? = nil) async throws -> [SQLiteRow] {
        // SQLite allows 32,766 bound values per statement (SQLITE_MAX_VARIABLE_NUMBER).
        let rowsPerStatement = max(1, 30_000 / columns.count)
        let tuple = "(" + repeatElement("?", count: columns.count).joined(separator: ", ") + ")"
        let head = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        var returned: [SQLiteRow] = []
        returned.reserveCapacity(values.count)
        for start in stride(from: 0, to: values.count, by: rowsPerStatement) {
            let chunk = values[start..<min(start + rowsPerStatement, values.count)]
            let sql = head + repeatElement(tuple, count: chunk.count).joined(separator: ", ")
                + (onConflict.map { " " + $0 } ?? "") + (returning.map { " RETURNING " + $0 } ?? "")
            returned += try await rows(sql, Array(chunk.joined()))
        }
        return returned
    }
}
