import FluentKit
import SQLKit

/// Version 12, for mirrors: the platform's uploads (hashes, ids and times only), the
/// review cases their matches open, each case's matches, and the events the platform
/// reads back (`GET /v1/verdicts`), numbered in commit order.
struct ReviewSchema: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let serial = sql.dialect.name == "postgresql" ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"
        try await sql.raw("""
            CREATE TABLE platform_uploads (id \(unsafeRaw: serial), content_id TEXT NOT NULL, account_id TEXT,
                client_context TEXT, pdq TEXT, pdq_quality INTEGER, md5 TEXT, sha256 TEXT,
                received_at DOUBLE PRECISION NOT NULL, expires_at DOUBLE PRECISION NOT NULL)
            """).run()
        try await sql.raw("""
            CREATE TABLE review_cases (id \(unsafeRaw: serial), upload_id BIGINT NOT NULL UNIQUE, origin TEXT NOT NULL,
                state TEXT NOT NULL, opened_at DOUBLE PRECISION NOT NULL, decision TEXT, reason TEXT,
                decided_at DOUBLE PRECISION, decided_by TEXT, automated BOOLEAN NOT NULL DEFAULT FALSE)
            """).run()
        try await sql.raw("""
            CREATE TABLE review_matches (case_id BIGINT NOT NULL, signal_id BIGINT NOT NULL, distance INTEGER NOT NULL,
                PRIMARY KEY (case_id, signal_id))
            """).run()
        try await sql.raw("CREATE INDEX review_matches_by_signal ON review_matches (signal_id)").run()
        try await sql.raw("CREATE INDEX review_cases_by_state ON review_cases (state, id)").run()
        try await sql.raw("""
            CREATE TABLE review_events (id \(unsafeRaw: serial), case_id BIGINT NOT NULL, kind TEXT NOT NULL,
                body TEXT NOT NULL, at DOUBLE PRECISION NOT NULL)
            """).run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for table in ["review_events", "review_matches", "review_cases", "platform_uploads"] {
            try await sql.raw("DROP TABLE \(unsafeRaw: table)").run()
        }
    }
}
