import FluentKit
import SQLKit

/// Version 9, for the pages: people (``UserRecord``, unique email) and their browser
/// sessions (``WebSessionRecord``, indexed by user so ending them all is one statement);
/// and the change log indexed by signal, for a signal's history.
struct UserAccountSchema: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(UserRecord.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(OrganisationRecord.schema, "id"))
            .field("name", .string, .required)
            .field("email", .string, .required)
            .field("password_hash", .string, .required)
            .field("role", .string, .required)
            .field("totp_secret", .string)
            .field("created_at", .datetime)
            .field("disabled_at", .datetime)
            .unique(on: "email")
            .create()
        try await database.schema(WebSessionRecord.schema)
            .field("token_hash", .string, .identifier(auto: false))
            .field("user_id", .uuid, .required, .references(UserRecord.schema, "id"))
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("seen_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "web_sessions_by_user").on(WebSessionRecord.schema).column("user_id").run()
        try await sql.create(index: "changes_by_signal").on(ChangeRecord.schema).column("signal_id").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase { try await sql.drop(index: "changes_by_signal").run() }
        try await database.schema(WebSessionRecord.schema).delete()
        try await database.schema(UserRecord.schema).delete()
    }
}
