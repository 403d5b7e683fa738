import FluentKit
import SQLKit

/// Version 17, for civil society: partners' campaigns and the reach platforms report;
/// DSA Art. 16 notices, and the register of trusted flaggers (Art. 22).
struct CivilSocietySchema: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("""
            CREATE TABLE campaigns (id TEXT PRIMARY KEY, partner_id TEXT NOT NULL, body TEXT NOT NULL,
                                    created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL)
            """).run()
        try await sql.raw("""
            CREATE TABLE campaign_reach (campaign_id TEXT NOT NULL, platform_id TEXT NOT NULL, week TEXT NOT NULL, country TEXT NOT NULL,
                                         impressions BIGINT NOT NULL, clicks BIGINT NOT NULL, reported_at DOUBLE PRECISION NOT NULL,
                                         PRIMARY KEY (campaign_id, platform_id, week, country))
            """).run()
        let serial = sql.dialect.name == "postgresql" ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"
        try await sql.raw("""
            CREATE TABLE notices (id \(unsafeRaw: serial), notifier_id TEXT NOT NULL, platform_id TEXT NOT NULL, body TEXT NOT NULL,
                                  priority BOOLEAN NOT NULL, due_at DOUBLE PRECISION, received_at DOUBLE PRECISION NOT NULL,
                                  decided_at DOUBLE PRECISION, decision TEXT)
            """).run()
        try await sql.raw("CREATE INDEX notices_by_platform ON notices (platform_id, decided_at)").run()
        try await sql.raw("CREATE INDEX notices_by_notifier ON notices (notifier_id)").run()
        try await sql.raw("""
            CREATE TABLE trusted_flaggers (organisation_id TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at DOUBLE PRECISION NOT NULL)
            """).run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for table in ["campaigns", "campaign_reach", "notices", "trusted_flaggers"] {
            try await sql.raw("DROP TABLE \(unsafeRaw: table)").run()
        }
    }
}
