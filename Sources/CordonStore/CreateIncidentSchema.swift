import FluentKit
import SQLKit

/// Version 4: the crisis protocol (incidents, their parties, the board's votes, the
/// timeline, shared URLs and match reports), board seats, and incident collections.
struct CreateIncidentSchema: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OrganisationRecord.schema).field("board", .bool).update()
        try await database.schema(CollectionRecord.schema).field("incident_id", .uuid).update()
        try await database.schema(CollectionRecord.schema).field("drill", .bool).update()
        try await database.schema(IncidentRecord.schema)
            .id()
            .field("title", .string, .required)
            .field("summary", .string, .required)
            .field("location", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("content_seen", .string, .required)
            .field("criteria", .string, .required)
            .field("level", .string, .required)
            .field("state", .string, .required)
            .field("drill", .bool, .required)
            .field("collection_id", .uuid, .required)
            .field("authorities", .string, .required)
            .field("proposed_by", .uuid, .required)
            .field("proposed_at", .datetime, .required)
            .field("activated_at", .datetime)
            .field("concluded_at", .datetime)
            .field("conclusion", .string)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema(IncidentPartyRecord.schema)
            .field("id", .int, .identifier(auto: true))
            .field("incident_id", .uuid, .required)
            .field("organisation_id", .uuid, .required)
            .unique(on: "incident_id", "organisation_id")
            .create()
        try await database.schema(IncidentVoteRecord.schema)
            .field("id", .int, .identifier(auto: true))
            .field("incident_id", .uuid, .required)
            .field("organisation_id", .uuid, .required)
            .field("decision", .string, .required)
            .field("reason", .string, .required)
            .field("at", .datetime, .required)
            .unique(on: "incident_id", "organisation_id", "decision")
            .create()
        try await database.schema(IncidentEventRecord.schema)
            .field("id", .int, .identifier(auto: true))
            .field("incident_id", .uuid, .required)
            .field("kind", .string, .required)
            .field("drill", .bool, .required)
            .field("organisation_id", .uuid)
            .field("at", .datetime, .required)
            .field("detail", .string, .required)
            .create()
        try await database.schema(IncidentURLRecord.schema)
            .field("id", .int, .identifier(auto: true))
            .field("incident_id", .uuid, .required)
            .field("url", .string, .required)
            .field("shared_by", .uuid, .required)
            .field("platform_id", .uuid)
            .field("first_seen_at", .datetime)
            .field("views", .int)
            .field("note", .string, .required)
            .field("case_id", .uuid)
            .field("shared_at", .datetime, .required)
            .create()
        try await database.schema(IncidentMatchRecord.schema)
            .field("id", .int, .identifier(auto: true))
            .field("incident_id", .uuid, .required)
            .field("platform_id", .uuid, .required)
            .field("hour", .datetime, .required)
            .field("matches", .int, .required)
            .field("reported_at", .datetime, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        let indexes: [(String, String, [String])] = [
            ("incident_parties_by_organisation", IncidentPartyRecord.schema, ["organisation_id", "incident_id"]),
            ("incident_events_by_incident", IncidentEventRecord.schema, ["incident_id", "id"]),
            ("incident_urls_by_incident", IncidentURLRecord.schema, ["incident_id"]),
            ("incident_matches_by_incident", IncidentMatchRecord.schema, ["incident_id"]),
        ]
        for (name, table, columns) in indexes {
            var index = sql.create(index: SQLIdentifier(name)).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [IncidentMatchRecord.schema, IncidentURLRecord.schema, IncidentEventRecord.schema, IncidentVoteRecord.schema,
                       IncidentPartyRecord.schema, IncidentRecord.schema] {
            try await database.schema(schema).delete()
        }
        try await database.schema(CollectionRecord.schema).deleteField("incident_id").update()
        try await database.schema(CollectionRecord.schema).deleteField("drill").update()
        try await database.schema(OrganisationRecord.schema).deleteField("board").update()
    }
}
