import CordonDomain
import FluentKit
import Foundation
import SQLKit

extension HubStore {
    /// Claims up to `limit` URLs due for a removal check (moving their next check past
    /// `lease`, so no other replica fetches them meanwhile).
    public func claimDueChecks(now: Date, lease: TimeInterval, limit: Int) async throws -> [CaseURLRecord] {
        let due = try await CaseURLRecord.query(on: db).filter(\.$nextCheckAt <= now).sort(\.$nextCheckAt).limit(limit).all()
        guard !due.isEmpty else { return [] }
        // Through the write gate: on SQLite an ungated write breaks a concurrent write
        // transaction (its snapshot goes stale and it fails).
        let rows = try await hub.write([]) { db in
            try await (db as! any SQLDatabase).update(CaseURLRecord.schema)
                .set("next_check_at", to: now.addingTimeInterval(lease))
                .where("id", .in, due.map { $0.id! }).where("next_check_at", .lessThanOrEqual, now)
                .returning("id").all()
        }
        let ids = Set(try rows.map { try $0.decode(column: "id", as: Int.self) })
        return due.filter { ids.contains($0.id!) }
    }

    /// What a check found.
    public enum CheckOutcome: String, Sendable, Codable {
        case live, gone, error
    }

    /// Records a check and schedules the next: daily while live, sooner after an error,
    /// none once gone (both sides are told) or once checks have run for `rules.checkFor`.
    public func recordCheck(_ url: CaseURLRecord, outcome: CheckOutcome, statusCode: Int?, detail: String,
                            now: Date, rules: DeskRules) async throws {
        // Only a URL found gone adds a case event; other checks leave the event table's lock alone.
        try await hub.write(outcome == .gone ? [.cases] : []) { db in
            guard let row = try await CaseURLRecord.find(url.id!, on: db), let record = try await CaseRecord.find(row.caseID, on: db)
            else { return }
            let check = URLCheckRecord()
            check.caseURLID = row.id!
            check.caseID = row.caseID
            check.at = now
            check.outcome = outcome.rawValue
            check.statusCode = statusCode
            check.detail = detail
            try await check.create(on: db)
            row.lastCheckedAt = now
            let expired = now > record.receivedAt.addingTimeInterval(rules.checkFor)
            switch outcome {
            case .gone:
                row.status = "gone"
                row.goneAt = row.goneAt ?? now
                row.nextCheckAt = nil
            case .live:
                row.status = "live"
                row.nextCheckAt = expired ? nil : now.addingTimeInterval(rules.checkInterval)
            case .error:
                row.nextCheckAt = expired ? nil : now.addingTimeInterval(min(3600, rules.checkInterval))
            }
            try await row.save(on: db)
            if outcome == .gone {
                try await Self.recordEvent(.urlGone, of: record, at: now, detail: ["url": row.url, "detail": detail], on: db)
            }
        }
    }

    public func urls(of caseID: UUID) async throws -> [CaseURLRecord] {
        try await CaseURLRecord.query(on: db).filter(\.$caseID == caseID).sort(\.$id).all()
    }

    public func checks(of caseID: UUID) async throws -> [URLCheckRecord] {
        try await URLCheckRecord.query(on: db).filter(\.$caseID == caseID).sort(\.$id).all()
    }
}
