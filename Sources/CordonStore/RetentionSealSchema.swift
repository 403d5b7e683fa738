import FluentKit

/// Version 18: a preserved record names the day whose retention key sealed it, so the
/// purge can make every copy of it unreadable by forgetting that key.
struct RetentionSealSchema: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PreservationRecord.schema).field("sealed_day", .int).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PreservationRecord.schema).deleteField("sealed_day").update()
    }
}
