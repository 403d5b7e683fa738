import FluentKit
import SQLKit

/// Version 16, for the safeguards: each signal's review-by date, its matches at the hub,
/// the match distance a piece of feedback was about (the ledger by threshold) and the
/// hub's signed statement of each feedback event.
struct SafeguardSchema: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("""
            CREATE TABLE signal_reviews (signal_id BIGINT PRIMARY KEY, review_by DOUBLE PRECISION NOT NULL, reason TEXT NOT NULL)
            """).run()
        try await sql.raw("CREATE INDEX signal_reviews_by_date ON signal_reviews (review_by)").run()
        try await sql.raw("CREATE TABLE signal_matches (signal_id BIGINT PRIMARY KEY, matches BIGINT NOT NULL)").run()
        try await sql.raw("ALTER TABLE feedback ADD COLUMN distance BIGINT").run()
        try await sql.raw("ALTER TABLE feedback ADD COLUMN signed TEXT").run()
        try await sql.create(index: "feedback_by_signal").on(FeedbackRecord.schema).column("signal_id").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DROP TABLE signal_reviews").run()
        try await sql.raw("DROP TABLE signal_matches").run()
    }
}
