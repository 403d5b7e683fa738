import FluentKit
import SQLKit

/// Version 1 of the hub's tables.
struct CreateSchema: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OrganisationRecord.schema)
            .id()
            .field("name", .string, .required).unique(on: "name")
            .field("kind", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(APIKeyRecord.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(OrganisationRecord.schema, "id"))
            .field("role", .string, .required)
            .field("label", .string, .required)
            .field("secret_hash", .string, .required).unique(on: "secret_hash")
            .field("created_at", .datetime)
            .field("revoked_at", .datetime)
            .create()
        try await database.schema(CollectionRecord.schema)
            .id()
            .field("name", .string, .required).unique(on: "name")
            .field("description", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(MembershipRecord.schema)
            .id()
            .field("collection_id", .uuid, .required, .references(CollectionRecord.schema, "id"))
            .field("organisation_id", .uuid, .required, .references(OrganisationRecord.schema, "id"))
            .field("access", .string, .required)
            .unique(on: "collection_id", "organisation_id")
            .create()
        try await database.schema(SignalRecord.schema)
            .field("id", .int, .identifier(auto: true))
            .field("collection_id", .uuid, .required, .references(CollectionRecord.schema, "id"))
            .field("type", .string, .required)
            .field("value", .string, .required)
            .field("item", .string)
            .field("labels", .string, .required)
            .field("confidence", .double, .required)
            .field("status", .string, .required)
            .field("sources", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "collection_id", "type", "value")
            .create()
        try await database.schema(FeedbackRecord.schema)
            .id()
            .field("signal_id", .int, .required)
            .field("organisation_id", .uuid, .required)
            .field("kind", .string, .required)
            .field("comment", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(ChangeRecord.schema)
            .field("id", .int, .identifier(auto: true))
            .field("collection_id", .uuid, .required)
            .field("signal_id", .int, .required)
            .field("kind", .string, .required)
            .field("at", .datetime)
            .create()
        if let sql = database as? any SQLDatabase {
            // The mirror feed reads one collection's changes in cursor order.
            try await sql.create(index: "changes_by_collection").on(ChangeRecord.schema)
                .column("collection_id").column("id").run()
        }
        try await database.schema(AuditRecord.schema)
            .field("id", .int, .identifier(auto: true))
            .field("at", .datetime)
            .field("organisation_id", .uuid)
            .field("key_id", .uuid)
            .field("action", .string, .required)
            .field("target", .string, .required)
            .field("detail", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [AuditRecord.schema, ChangeRecord.schema, FeedbackRecord.schema, SignalRecord.schema,
                       MembershipRecord.schema, CollectionRecord.schema, APIKeyRecord.schema, OrganisationRecord.schema] {
            try await database.schema(schema).delete()
        }
    }
}
