import Foundation
import FluentKit
import SQLKit

/// Version 7: the audit log becomes a hash chain. Each entry gets its place (`seal`), the
/// previous entry's hash and its own, written by the sealer shortly after it commits; the
/// hub's signed checkpoints of the chain's head go in `audit_checkpoints`.
struct AuditChainSchema: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite adds no more.
        for (name, type) in [("seal", DatabaseSchema.DataType.int), ("previous_hash", .string), ("entry_hash", .string)] {
            try await database.schema(AuditRecord.schema).field(.init(stringLiteral: name), type).update()
        }
        try await database.schema(AuditCheckpointRecord.schema)
            .field("id", .int, .identifier(auto: true))
            .field("seal", .int, .required)
            .field("head_hash", .string, .required)
            .field("at", .datetime, .required)
            .field("statement", .string, .required)
            .field("signature", .string, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "audit_by_seal").on(AuditRecord.schema).column("seal").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditCheckpointRecord.schema).delete()
        if let sql = database as? any SQLDatabase { try await sql.drop(index: "audit_by_seal").run() }
        for name in ["entry_hash", "previous_hash", "seal"] {
            try await database.schema(AuditRecord.schema).deleteField(.init(stringLiteral: name)).update()
        }
    }
}

/// A signed statement of the audit chain's head: how far it was sealed, and the hash there.
public final class AuditCheckpointRecord: Model, @unchecked Sendable {
    public static let schema = "audit_checkpoints"

    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "seal") public var seal: Int
    @Field(key: "head_hash") public var headHash: String
    @Field(key: "at") public var at: Date
    /// The canonical JSON the hub signed.
    @Field(key: "statement") public var statement: String
    /// Base64 Ed25519 signature over `statement`.
    @Field(key: "signature") public var signature: String

    public init() {}

    public init(seal: Int, headHash: String, at: Date, statement: String, signature: String) {
        self.seal = seal
        self.headHash = headHash
        self.at = at
        self.statement = statement
        self.signature = signature
    }
}
