import FluentKit
import SQLKit

/// Version 15: the index of signals by video file holds only the signals that name a file.
/// Image hashes and digests name none, yet each took an entry (its collection id and a
/// NULL); a first copy of a million wrote a million of them. Lookups by file
/// (`file_sha256 IN (…)`) imply `IS NOT NULL`, so they still use it.
struct SignalFileIndexSchema: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "signals_by_file").run()
        try await sql.raw("CREATE INDEX signals_by_file ON signals (collection_id, file_sha256) WHERE file_sha256 IS NOT NULL").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "signals_by_file").run()
        try await sql.create(index: "signals_by_file").on(SignalRecord.schema).column("collection_id").column("file_sha256").run()
    }
}
