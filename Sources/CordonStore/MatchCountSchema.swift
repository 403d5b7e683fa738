import FluentKit
import SQLKit

/// Version 10, for the overview's "matches today": how many hashes each organisation
/// checked and how many of them matched, a row per organisation and UTC day.
struct MatchCountSchema: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("""
            CREATE TABLE match_days (organisation_id TEXT NOT NULL, day TEXT NOT NULL,
                                     queries BIGINT NOT NULL, matched BIGINT NOT NULL,
                                     PRIMARY KEY (organisation_id, day))
            """).run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP TABLE match_days").run()
    }
}
