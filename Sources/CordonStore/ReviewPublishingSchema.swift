import FluentKit
import SQLKit

/// Version 13, for mirrors: each case's priority in the queue; when its decision was
/// published to the platform (after the undo window); the feedback queued for the hub;
/// uploads by account, for repeat uploaders; and an uploaded video's frames.
struct ReviewPublishingSchema: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let serial = sql.dialect.name == "postgresql" ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"
        let bytes = sql.dialect.name == "postgresql" ? "BYTEA" : "BLOB"
        try await sql.raw("ALTER TABLE platform_uploads ADD COLUMN frames \(unsafeRaw: bytes)").run()
        try await sql.raw("ALTER TABLE review_cases ADD COLUMN priority INTEGER NOT NULL DEFAULT 0").run()
        try await sql.raw("ALTER TABLE review_cases ADD COLUMN published_at DOUBLE PRECISION").run()
        // Decisions taken before this version were published when taken.
        try await sql.raw("UPDATE review_cases SET published_at = decided_at WHERE decided_at IS NOT NULL").run()
        try await sql.raw("CREATE INDEX review_cases_by_priority ON review_cases (state, priority, id)").run()
        try await sql.raw("CREATE INDEX review_cases_unpublished ON review_cases (published_at, decided_at)").run()
        try await sql.raw("CREATE INDEX platform_uploads_by_account ON platform_uploads (account_id, received_at)").run()
        try await sql.raw("""
            CREATE TABLE upstream_feedback (id \(unsafeRaw: serial), signal_id BIGINT NOT NULL, kind TEXT NOT NULL,
                case_id BIGINT NOT NULL, queued_at DOUBLE PRECISION NOT NULL, state TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, sent_at DOUBLE PRECISION)
            """).run()
        try await sql.raw("CREATE INDEX upstream_feedback_by_state ON upstream_feedback (state, id)").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP TABLE upstream_feedback").run()
        for index in ["review_cases_by_priority", "review_cases_unpublished", "platform_uploads_by_account"] {
            try await sql.raw("DROP INDEX \(unsafeRaw: index)").run()
        }
        try await sql.raw("ALTER TABLE review_cases DROP COLUMN published_at").run()
        try await sql.raw("ALTER TABLE review_cases DROP COLUMN priority").run()
        try await sql.raw("ALTER TABLE platform_uploads DROP COLUMN frames").run()
    }
}
