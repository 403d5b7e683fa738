import FluentKit
import SQLKit

/// Version 11, for mirrors: how far each collection copied from the upstream hub has been
/// applied (the hub's feed cursor), written in the same transaction as the signals it covers.
struct UpstreamSchema: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("""
            CREATE TABLE upstream_cursors (collection_id TEXT PRIMARY KEY, cursor BIGINT NOT NULL)
            """).run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP TABLE upstream_cursors").run()
    }
}
