import FluentKit
import SQLKit

/// Version 3: covering indexes for the inbox, the issued list and the transparency
/// figures, so that each reads one index (not the table) at Europol's scale of 100,000
/// cases. They replace the narrower indexes of version 2 that they begin with.
struct CreateReportIndexes: AsyncMigration {
    private static let replaced = [
        ("cases_by_platform", "cases_for_platform", CaseRecord.schema,
         ["platform_id", "received_at", "updated_at", "kind", "state", "removed_at", "removal_action", "breached_at",
          "reinstated_at", "scrutiny_requested_at", "scrutiny_outcome"]),
        ("cases_by_issuer", "cases_for_issuer", CaseRecord.schema,
         ["issuer_id", "received_at", "kind", "removed_at", "breached_at", "removal_seconds", "id"]),
        ("case_urls_by_case", "case_urls_by_case_status", CaseURLRecord.schema, ["case_id", "status"]),
    ]

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for (old, new, table, columns) in Self.replaced {
            var index = sql.create(index: SQLIdentifier(new)).on(table)
            for column in columns { index = index.column(column) }
            try await index.run()
            try await sql.drop(index: SQLIdentifier(old)).run()
        }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for (old, new, table, columns) in Self.replaced {
            let narrow = old == "case_urls_by_case" ? ["case_id"] : Array(columns.prefix(2))
            var index = sql.create(index: SQLIdentifier(old)).on(table)
            for column in narrow { index = index.column(column) }
            try await index.run()
            try await sql.drop(index: SQLIdentifier(new)).run()
        }
    }
}
