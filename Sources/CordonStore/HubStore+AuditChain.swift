import FluentKit
import Foundation
import SQLKit

extension HubStore {
    /// Chains the audit entries not sealed yet, oldest id first, onto the head; how many.
    /// One sealer at a time across replicas (a PostgreSQL advisory lock; SQLite has one
    /// writer), so seals are gap-free and each link names the entry sealed before it.
    @discardableResult
    public func sealAudit(limit: Int = 1000) async throws -> Int {
        let postgres = hub.isPostgres
        return try await hub.write([]) { db in
            let sql = db as! any SQLDatabase
            if postgres { try await sql.raw("SELECT pg_advisory_xact_lock(727001)").run() }
            let head = try await Self.auditHead(on: db)
            var seal = head?.seal ?? 0
            var previous = head?.entryHash ?? ""
            let pending = try await AuditRecord.query(on: db).filter(\.$seal == nil).sort(\.$id).limit(limit).all()
            for record in pending {
                seal += 1
                let hash = AuditChain.Entry(record).hash(seal: seal, previous: previous)
                record.seal = seal
                record.previousHash = previous
                record.entryHash = hash
                try await record.save(on: db)
                previous = hash
            }
            return pending.count
        }
    }

    /// The sealed head: its seal and hash (`nil` while nothing is sealed).
    public func auditHead() async throws -> (seal: Int, hash: String)? {
        guard let head = try await Self.auditHead(on: db), let seal = head.seal, let hash = head.entryHash else { return nil }
        return (seal, hash)
    }

    private static func auditHead(on db: any Database) async throws -> AuditRecord? {
        try await AuditRecord.query(on: db).filter(\.$seal != nil).sort(\.$seal, .descending).first()
    }

    /// The newest checkpoint, which the sealer compares with the head.
    public func latestAuditCheckpoint() async throws -> AuditCheckpointRecord? {
        try await AuditCheckpointRecord.query(on: db).sort(\.$seal, .descending).first()
    }

    public func addAuditCheckpoint(_ checkpoint: AuditCheckpointRecord) async throws {
        try await hub.write([]) { db in try await checkpoint.create(on: db) }
    }

    public func auditCheckpoints() async throws -> [AuditCheckpointRecord] {
        try await AuditCheckpointRecord.query(on: db).sort(\.$seal).all()
    }

    /// Every audit entry, in id order, read a page at a time.
    public func auditEntries() async throws -> [AuditChain.Entry] {
        var entries: [AuditChain.Entry] = []
        var after = 0
        while true {
            let page = try await AuditRecord.query(on: db).filter(\.$id > after).sort(\.$id).limit(10_000).all()
            entries += page.map(AuditChain.Entry.init)
            guard let last = page.last?.id, page.count == 10_000 else { return entries }
            after = last
        }
    }
}
