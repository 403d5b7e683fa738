import FluentSQLiteDriver
import Foundation
import SQLKit
import SQLiteNIO

/// One row a bulk write returned (`RETURNING …`), read by column name.
///
/// On SQLite the values are read straight from SQLite's own, since a bulk submission
/// returns thousands of rows and SQLKit's generic decoding was most of its cost; elsewhere
/// they go through SQLKit.
struct ReturnedRow {
    private enum Storage {
        case sqlite(SQLiteRow)
        case generic(any SQLRow)
    }

    private let storage: Storage

    func int(_ column: String) throws -> Int {
        switch storage {
        case .sqlite(let row):
            guard case .integer(let value) = row.column(column) else { throw Self.missing(column) }
            return value
        case .generic(let row):
            return try row.decode(column: column, as: Int.self)
        }
    }

    func text(_ column: String) throws -> String {
        switch storage {
        case .sqlite(let row):
            guard case .text(let value) = row.column(column) else { throw Self.missing(column) }
            return value
        case .generic(let row):
            return try row.decode(column: column, as: String.self)
        }
    }

    private static func missing(_ column: String) -> any Error {
        DecodingError.valueNotFound(Any.self, .init(codingPath: [], debugDescription: "the returned row has no \(column) of the expected type"))
    }

    /// Runs `query` and reads every row it returns with `read`.
    static func all<Row>(_ query: some SQLQueryFetcher, on sql: any SQLDatabase,
                         _ read: (ReturnedRow) throws -> Row) async throws -> [Row] {
        guard let sqlite = sql as? any SQLiteDatabase else {
            return try await query.all().map { try read(ReturnedRow(storage: .generic($0))) }
        }
        var serializer = SQLSerializer(database: sql)
        query.query.serialize(to: &serializer)
        let encoder = SQLiteDataEncoder()
        let binds = try serializer.binds.map { try encoder.encode($0) }
        return try await sqlite.query(serializer.sql, binds).map { try read(ReturnedRow(storage: .sqlite($0))) }
    }
}
