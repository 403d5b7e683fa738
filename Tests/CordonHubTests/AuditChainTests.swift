import CordonHub
import CordonServices
import CordonStore
import Foundation
import HTTPTypes
import SQLKit
import Testing

/// The audit log is a hash chain the hub signs: every way of changing the database
/// directly (deleting, altering, inserting or moving an entry, cutting the chain short,
/// recomputing it, forging a checkpoint) shows when it is verified, on both databases.
@Suite struct AuditChainTests {
    enum Tamper: String, CaseIterable, CustomStringConvertible {
        case delete, alter, insert, reorder, truncate, recompute, forgeCheckpoint
        var description: String { rawValue }
    }

    /// A hub with a few audited writes, sealed and signed.
    static func audited(_ backend: Backend) async throws -> HubFixture {
        let f = try await HubFixture.make(backend)
        let admin = try await f.hub.services.caller(secret: f.adminKey)
        for index in 0..<4 {
            _ = try await f.hub.services.createCollection(.init(name: "list \(index)"), by: admin)
        }
        try await f.hub.services.checkpointAudit()
        return f
    }

    @Test(arguments: Backend.allCases)
    func anUntouchedChainVerifiesHereAndOffline(_ backend: Backend) async throws {
        let f = try await Self.audited(backend)
        try await f.withServer { c in
            let reply = try await c.call(.get, "/v1/audit/verify", key: f.operatorKey)
            #expect(reply.status == 200 && reply.object["verified"] as? Bool == true, "\(reply.object)")
            #expect((reply.object["sealed"] as? Int ?? 0) >= 6 && reply.object["checkpoints"] as? Int == 1)
            // What an auditor exports verifies offline with the hub's public key alone.
            let export = try await c.call(.get, "/v1/audit/chain", key: f.operatorKey)
            let chain = try JSONDecoder().decode(API.AuditChainExport.self, from: JSONSerialization.data(withJSONObject: export.object))
            let hubKey = try await c.call(.get, "/v1/hub-key", key: f.adminKey).object["publicKey"] as? String
            #expect(chain.publicKey == hubKey)
            #expect(AuditChain.verify(chain.entries, checkpoints: chain.checkpoints) { HubServices.isSigned($0, by: hubKey ?? "") }.isEmpty)
            // The whole chain is its overseers': a platform's admin may not read it.
            #expect(try await c.call(.get, "/v1/audit/verify", key: f.adminKey).status == 403)
        }
    }

    @Test(arguments: Tamper.allCases, Backend.allCases)
    func aChangeMadeInTheDatabaseIsFound(_ tamper: Tamper, _ backend: Backend) async throws {
        let f = try await Self.audited(backend)
        let sql = f.database.database as! any SQLDatabase
        let expected: AuditChain.Problem.Kind
        switch tamper {
        case .delete:
            try await sql.raw("DELETE FROM audit_log WHERE seal = 3").run()
            expected = .deleted
        case .alter:
            try await sql.raw("UPDATE audit_log SET target = 'nothing to see' WHERE seal = 2").run()
            expected = .altered
        case .insert:
            try await sql.raw("""
                INSERT INTO audit_log (at, action, target, detail, seal, previous_hash, entry_hash)
                SELECT at, action, target, detail, seal, previous_hash, entry_hash FROM audit_log WHERE seal = 2
                """).run()
            expected = .inserted
        case .reorder:
            try await sql.raw("UPDATE audit_log SET seal = -1 WHERE seal = 2").run()
            try await sql.raw("UPDATE audit_log SET seal = 2 WHERE seal = 3").run()
            try await sql.raw("UPDATE audit_log SET seal = 3 WHERE seal = -1").run()
            expected = .altered
        case .truncate:
            try await sql.raw("DELETE FROM audit_log WHERE seal = (SELECT MAX(seal) FROM audit_log)").run()
            expected = .checkpointMismatch
        case .recompute:
            // Alter an entry and rebuild every hash after it, as someone without the
            // hub's signing key would: only the checkpoint still tells.
            try await sql.raw("UPDATE audit_log SET target = 'rewritten' WHERE seal = 2").run()
            try await sql.raw("UPDATE audit_log SET seal = NULL, previous_hash = NULL, entry_hash = NULL WHERE seal >= 2").run()
            try await sql.raw("DELETE FROM audit_log WHERE seal = 1").run()
            _ = try await f.store.sealAudit()
            expected = .checkpointMismatch
        case .forgeCheckpoint:
            try await sql.raw("UPDATE audit_checkpoints SET signature = 'AAAA'").run()
            expected = .forgedCheckpoint
        }
        let operatorCaller = try await f.hub.services.caller(secret: f.operatorKey)
        let report = try await f.hub.services.verifyAudit(by: operatorCaller)
        #expect(!report.verified)
        #expect(report.problems.map(\.kind).contains(expected), "\(tamper): \(report.problems)")
        await f.close()
    }

    @Test func entriesWrittenAfterACheckpointAreSealedOntoTheChain() async throws {
        let f = try await Self.audited(.sqlite)
        let admin = try await f.hub.services.caller(secret: f.adminKey)
        _ = try await f.hub.services.createCollection(.init(name: "later"), by: admin)
        let operatorCaller = try await f.hub.services.caller(secret: f.operatorKey)
        let report = try await f.hub.services.verifyAudit(by: operatorCaller)
        #expect(report.verified && report.unsealed == 0, "\(report.problems)")
        try await f.hub.services.checkpointAudit()
        #expect(try await f.hub.services.verifyAudit(by: operatorCaller).checkpoints == 2)
        await f.close()
    }
}
