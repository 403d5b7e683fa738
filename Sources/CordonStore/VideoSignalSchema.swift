import FluentKit
import Foundation
import SQLKit

/// Version 8: signals that carry more than their value. A video's vPDQ frames or a `.tmk`
/// file go in `payload` (binary: 41 bytes a frame), beside the identity in `value`; the
/// video file's digests, where the contributor knew them, in `file_md5` and `file_sha256`,
/// which are indexed so the same file from a second contributor finds its signal.
struct VideoSignalSchema: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite adds no more.
        for (name, type) in [("payload", DatabaseSchema.DataType.data), ("file_md5", .string), ("file_sha256", .string)] {
            try await database.schema(SignalRecord.schema).field(.init(stringLiteral: name), type).update()
        }
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "signals_by_file").on(SignalRecord.schema).column("collection_id").column("file_sha256").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase { try await sql.drop(index: "signals_by_file").run() }
        for name in ["file_sha256", "file_md5", "payload"] {
            try await database.schema(SignalRecord.schema).deleteField(.init(stringLiteral: name)).update()
        }
    }
}
