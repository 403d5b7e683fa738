import CordonDomain
import FluentKit
import Foundation

extension HubStore {
    // MARK: Complaints (Art. 10)

    /// A content provider's complaint about a removal, entered by the platform.
    public func fileComplaint(on caseID: UUID, statement: String, by caller: Caller, now: Date) async throws -> ComplaintRecord {
        try await hub.write([.cases]) { db in
            let record = try await Self.platformCase(caseID, caller, on: db)
            guard record.state == CaseState.removed.rawValue else {
                throw StoreError.conflict(field: "case", message: "a complaint concerns removed content; this case is \(record.state)")
            }
            let complaint = ComplaintRecord()
            complaint.caseID = caseID
            complaint.platformID = caller.organisationID
            complaint.statement = statement
            complaint.filedAt = now
            try await complaint.create(on: db)
            try await Self.audit(caller, "complaint.file", target: complaint.id!.uuidString, detail: ["case": caseID.uuidString], on: db)
            try await Self.recordEvent(.complaintFiled, of: record, at: now, detail: ["complaint": complaint.id!.uuidString], on: db)
            return complaint
        }
    }

    /// The platform's decision on a complaint; an upheld one allows reinstatement.
    public func decideComplaint(_ id: UUID, outcome: ReviewOutcome, reasons: String, by caller: Caller,
                                now: Date) async throws -> ComplaintRecord {
        guard outcome == .upheld || outcome == .rejected else {
            throw StoreError.invalid(field: "outcome", message: "a complaint is upheld or rejected")
        }
        return try await hub.write([.cases]) { db in
            guard let complaint = try await ComplaintRecord.find(id, on: db), complaint.platformID == caller.organisationID else {
                throw StoreError.notFound(field: "complaint", message: "no complaint \(id) filed with your organisation")
            }
            guard complaint.outcome == nil else {
                throw StoreError.conflict(field: "complaint", message: "this complaint was decided already (\(complaint.outcome!))")
            }
            let record = try await Self.platformCase(complaint.caseID, caller, on: db)
            complaint.outcome = outcome.rawValue
            complaint.decidedAt = now
            complaint.reasons = reasons
            try await complaint.save(on: db)
            if outcome == .upheld {
                record.reinstatable = true
                try await record.save(on: db)
            }
            try await Self.audit(caller, "complaint.decide", target: id.uuidString, detail: ["outcome": outcome.rawValue], on: db)
            try await Self.recordEvent(.complaintDecided, of: record, at: now,
                                       detail: ["complaint": id.uuidString, "outcome": outcome.rawValue, "reasons": reasons], on: db)
            return complaint
        }
    }

    public func complaint(_ id: UUID) async throws -> ComplaintRecord? {
        try await ComplaintRecord.find(id, on: db)
    }

    public func complaints(of caseID: UUID) async throws -> [ComplaintRecord] {
        try await ComplaintRecord.query(on: db).filter(\.$caseID == caseID).sort(\.$filedAt).all()
    }

    // MARK: Scrutiny of cross-border orders (Art. 4)

    /// The platform asks the home authority to scrutinise an order, within the window.
    public func requestScrutiny(of caseID: UUID, reason: String, by caller: Caller, now: Date, rules: DeskRules) async throws -> CaseRecord {
        try await hub.write([.cases]) { db in
            let record = try await Self.platformCase(caseID, caller, on: db)
            guard record.kind == CaseKind.removalOrder.rawValue, record.scrutinyAuthorityID != nil else {
                throw StoreError.conflict(field: "case", message: "only a cross-border removal order (issued outside the platform's member state) can be scrutinised")
            }
            guard record.scrutinyRequestedAt == nil, record.scrutinyOutcome == nil else {
                throw StoreError.conflict(field: "case", message: "scrutiny of this order was requested or decided already")
            }
            guard now <= record.receivedAt.addingTimeInterval(rules.scrutinyRequestWindow) else {
                throw StoreError.conflict(field: "case", message: "scrutiny must be requested within \(Int(rules.scrutinyRequestWindow / 3600)) hours of receipt")
            }
            record.scrutinyRequestedAt = now
            record.updatedAt = now
            try await record.save(on: db)
            try await Self.audit(caller, "scrutiny.request", target: caseID.uuidString, detail: ["reason": reason], on: db)
            try await Self.recordEvent(.scrutinyRequested, of: record, at: now, detail: ["reason": reason], on: db)
            return record
        }
    }

    /// The home authority's decision; a struck-down order tells the platform to reinstate.
    public func decideScrutiny(of caseID: UUID, outcome: ReviewOutcome, reasons: String, by caller: Caller, now: Date,
                               rules: DeskRules) async throws -> CaseRecord {
        guard outcome == .upheld || outcome == .struckDown else {
            throw StoreError.invalid(field: "outcome", message: "scrutiny upholds the order or strikes it down ('upheld' or 'struck-down')")
        }
        return try await hub.write([.cases]) { db in
            guard let record = try await CaseRecord.find(caseID, on: db), record.scrutinyAuthorityID == caller.organisationID else {
                throw StoreError.notFound(field: "case", message: "no order \(caseID) copied to your authority for scrutiny")
            }
            guard record.scrutinyOutcome == nil else {
                throw StoreError.conflict(field: "case", message: "this order's scrutiny was decided already")
            }
            let start = max(record.receivedAt, record.scrutinyRequestedAt ?? record.receivedAt)
            guard now <= start.addingTimeInterval(rules.scrutinyDecisionWindow) else {
                throw StoreError.conflict(field: "case", message: "the scrutiny window of \(Int(rules.scrutinyDecisionWindow / 3600)) hours has passed")
            }
            record.scrutinyOutcome = outcome.rawValue
            record.scrutinyDecidedAt = now
            record.scrutinyReasons = reasons
            record.updatedAt = now
            if outcome == .struckDown { record.reinstatable = true }
            try await record.save(on: db)
            try await Self.audit(caller, "scrutiny.decide", target: caseID.uuidString, detail: ["outcome": outcome.rawValue], on: db)
            try await Self.recordEvent(.scrutinyDecided, of: record, at: now,
                                       detail: ["outcome": outcome.rawValue, "reasons": reasons], on: db)
            if outcome == .struckDown, record.state == CaseState.removed.rawValue {
                try await Self.recordEvent(.reinstatementRequired, of: record, at: now,
                                           detail: ["reason": "the order was struck down on scrutiny"], on: db)
            }
            return record
        }
    }

    /// The case, if `caller` is its platform.
    static func platformCase(_ id: UUID, _ caller: Caller, on db: any Database) async throws -> CaseRecord {
        guard let record = try await CaseRecord.find(id, on: db), record.platformID == caller.organisationID else {
            throw StoreError.notFound(field: "case", message: "no case \(id) addressed to your organisation")
        }
        return record
    }
}
