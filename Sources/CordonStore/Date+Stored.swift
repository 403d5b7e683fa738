import FluentSQLiteDriver
import Foundation
import PostgresNIO
import SQLKit

extension Date {
    /// This date as the database gives it back after storing it (SQLite keeps seconds
    /// since 1970 as a double, PostgreSQL whole microseconds since 2000), so what a write
    /// keeps in memory equals what a later read returns.
    static func stored(_ date: Date, on sql: any SQLDatabase) -> Date {
        if sql is any SQLiteDatabase {
            return date.sqliteData.flatMap(Date.init(sqliteData:)) ?? date
        }
        var buffer = ByteBuffer()
        date.encode(into: &buffer, context: .default)
        return (try? Date(from: &buffer, type: .timestamptz, format: .binary, context: .default)) ?? date
    }
}
