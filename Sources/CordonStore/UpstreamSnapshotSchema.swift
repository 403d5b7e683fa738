import FluentKit
import SQLKit

/// Version 14, for mirrors: a first copy taken from the hub's signals as they are
/// (``HubStore/applyUpstreamSnapshot(_:in:after:through:asOf:complete:recheck:)``), not
/// replayed change by change. `snapshot_after` is the last signal id copied while the copy
/// is under way (NULL once done); `snapshot_as_of` the hub's cursor it was taken at, from
/// which the feed is followed. A collection adopted but not copied yet starts one.
struct UpstreamSnapshotSchema: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("ALTER TABLE upstream_cursors ADD COLUMN snapshot_after BIGINT").run()
        try await sql.raw("ALTER TABLE upstream_cursors ADD COLUMN snapshot_as_of BIGINT").run()
        try await sql.raw("UPDATE upstream_cursors SET snapshot_after = 0 WHERE cursor = 0").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("ALTER TABLE upstream_cursors DROP COLUMN snapshot_as_of").run()
        try await sql.raw("ALTER TABLE upstream_cursors DROP COLUMN snapshot_after").run()
    }
}
