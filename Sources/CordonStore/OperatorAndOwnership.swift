import FluentKit
import SQLKit

/// Version 6: organisations can be suspended (``OrganisationRecord/suspendedAt``), and a
/// collection has an owner (``CollectionRecord/ownerID``), the only organisation that
/// manages its members. Existing collections are owned by an organisation that could
/// write to them (their creator, unless memberships were changed since); incident
/// collections by none, as the hub holds them.
struct OperatorAndOwnership: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OrganisationRecord.schema).field("suspended_at", .datetime).update()
        try await database.schema(OrganisationRecord.schema).field("suspension_reason", .string).update()
        try await database.schema(CollectionRecord.schema).field("owner_id", .uuid).update()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("""
            UPDATE collections SET owner_id = (
                SELECT m.organisation_id FROM memberships m
                WHERE m.collection_id = collections.id AND m.access = 'read-write'
                ORDER BY m.organisation_id LIMIT 1)
            WHERE incident_id IS NULL
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CollectionRecord.schema).deleteField("owner_id").update()
        try await database.schema(OrganisationRecord.schema).deleteField("suspension_reason").update()
        try await database.schema(OrganisationRecord.schema).deleteField("suspended_at").update()
    }
}
