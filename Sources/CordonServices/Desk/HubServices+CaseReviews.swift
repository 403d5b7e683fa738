import CordonDomain
import CordonStore
import Foundation

/// Complaints, scrutiny of cross-border orders, and preservation of removed content.
extension HubServices {
    public func fileComplaint(on id: UUID, _ command: API.ComplaintIn, by caller: Caller) async throws -> API.ComplaintOut {
        _ = try await authorisedCase(.fileComplaint, id, caller)
        let statement = try Validation.text(command.statement, field: "statement", "give the content provider's complaint")
        let record = try await storeCall { try await store.fileComplaint(on: id, statement: statement, by: caller, now: now()) }
        casesChanged()
        return API.ComplaintOut(record)
    }

    public func complaints(of id: UUID, by caller: Caller) async throws -> [API.ComplaintOut] {
        _ = try await authorisedCase(.readCase, id, caller)
        return try await store.complaints(of: id).map { API.ComplaintOut($0) }
    }

    public func decideComplaint(_ id: UUID, _ command: API.DecisionIn, by caller: Caller) async throws -> API.ComplaintOut {
        let notFound = "no complaint \(id) on your organisation's cases"
        guard let complaint = try await store.complaint(id) else { throw ServiceError.notFound("complaint", notFound) }
        _ = try await authorisedCase(.decideComplaint, complaint.caseID, caller, field: "complaint", notFound: notFound)
        let reasons = try Validation.text(command.reasons, field: "reasons", "give the reasons for the decision")
        let record = try await storeCall {
            try await store.decideComplaint(id, outcome: command.outcome, reasons: reasons, by: caller, now: now())
        }
        casesChanged()
        return API.ComplaintOut(record)
    }

    public func requestScrutiny(of id: UUID, _ command: API.ScrutinyRequestIn, by caller: Caller) async throws -> API.CaseOut {
        _ = try await authorisedCase(.requestScrutiny, id, caller, field: "order")
        let reason = try Validation.text(command.reason, field: "reason", "say why the order should be scrutinised")
        let record = try await storeCall {
            try await store.requestScrutiny(of: id, reason: reason, by: caller, now: now(), rules: configuration.desk)
        }
        casesChanged()
        return API.CaseOut(record)
    }

    public func decideScrutiny(of id: UUID, _ command: API.DecisionIn, by caller: Caller) async throws -> API.CaseOut {
        _ = try await authorisedCase(.decideScrutiny, id, caller, field: "order")
        let reasons = try Validation.text(command.reasons, field: "reasons", "give the reasons for the decision")
        let record = try await storeCall {
            try await store.decideScrutiny(of: id, outcome: command.outcome, reasons: reasons, by: caller, now: now(),
                                           rules: configuration.desk)
        }
        casesChanged()
        return API.CaseOut(record)
    }

    /// Keeps removed content's reference, hashes and (sealed) evidence for the preservation period.
    public func preserve(_ id: UUID, _ command: API.PreservationIn, by caller: Caller) async throws -> API.PreservationOut {
        _ = try await authorisedCase(.preserve, id, caller)
        let reference = try Validation.text(command.contentReference, field: "contentReference",
                                            "name where the platform keeps the content (its own reference)")
        let hashes = try Self.rule { () throws(RuleError) in try ContentHash.normalised(command.hashes, field: "hashes") }
        var evidence: Data?
        if let given = command.evidence {
            guard let bytes = Data(base64Encoded: given) else { throw ServiceError.invalid("evidence", "evidence must be base64") }
            evidence = bytes
        }
        let now = now(), keepUntil = now.addingTimeInterval(configuration.desk.preservationPeriod)
        var stored = PreservedValues(contentReference: reference, hashes: HubStore.json(hashes),
                                     metadata: HubStore.json(command.metadata ?? [:]), evidence: evidence)
        let day = retention.isSealing ? RetentionRatchet.dayNumber(of: keepUntil) : nil
        if let day {
            stored = try sealed(stored, day: day, caseID: id)
        } else {
            stored.evidence = try evidence.map(notary.seal)
        }
        let record = try await storeCall { [stored] in
            try await store.preserve(caseID: id, contentReference: stored.contentReference, hashes: stored.hashes,
                                     metadata: stored.metadata, sealedEvidence: stored.evidence, sealedDay: day,
                                     keepUntil: keepUntil, by: caller, now: now)
        }
        return try preservationOut(record)
    }

    public func preservations(of id: UUID, by caller: Caller) async throws -> [API.PreservationOut] {
        _ = try await authorisedCase(.readCase, id, caller)
        return try await store.preservations(of: id).map(preservationOut)
    }

    /// The preserved evidence file, opened: for the platform that preserved it only.
    public func evidence(_ id: UUID, by caller: Caller) async throws -> [UInt8] {
        let record = try await authorisedPreservation(.readEvidence, id, caller)
        guard record.evidence != nil, let evidence = try opened(record, evidence: true).evidence else {
            throw ServiceError.notFound("evidence", record.purgedAt == nil ? "this record has no evidence file" : "this record was purged")
        }
        return Array(evidence)
    }

    public func placeLegalHold(on id: UUID, _ command: API.LegalHoldIn, by caller: Caller) async throws -> API.PreservationOut {
        _ = try await authorisedPreservation(.placeLegalHold, id, caller)
        let until = try Validation.date(command.until, field: "until")
        let record = try await storeCall {
            try await store.holdPreservation(id, until: until, by: caller, now: now()) { record in try reseal(record) }
        }
        return try preservationOut(record)
    }

    private func authorisedPreservation(_ useCase: UseCase, _ id: UUID, _ caller: Caller) async throws -> PreservationRecord {
        let notFound = "no preserved record \(id) of your cases"
        guard let record = try await store.preservation(id) else { throw ServiceError.notFound("preservation", notFound) }
        _ = try await authorisedCase(useCase, record.caseID, caller, field: "preservation", notFound: notFound)
        return record
    }
}
