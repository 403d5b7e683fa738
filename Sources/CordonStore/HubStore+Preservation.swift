import CordonDomain
import FluentKit
import Foundation

extension HubStore {
    /// The platform's preserved record of removed content, kept for the preservation period.
    /// `sealedDay` names the retention key the values are sealed with (nil: kept as given).
    public func preserve(caseID: UUID, contentReference: String, hashes: String, metadata: String, sealedEvidence: Data?,
                         sealedDay: Int?, keepUntil: Date, by caller: Caller, now: Date) async throws -> PreservationRecord {
        try await hub.write([]) { db in
            let record = try await Self.platformCase(caseID, caller, on: db)
            guard record.removedAt != nil else {
                throw StoreError.conflict(field: "case", message: "content is preserved when it is removed; confirm the removal first")
            }
            let preservation = PreservationRecord()
            preservation.caseID = caseID
            preservation.platformID = caller.organisationID
            preservation.contentReference = contentReference
            preservation.hashes = hashes
            preservation.metadata = metadata
            preservation.evidence = sealedEvidence
            preservation.preservedAt = now
            preservation.keepUntil = keepUntil
            preservation.sealedDay = sealedDay
            try await preservation.create(on: db)
            try await Self.audit(caller, "preservation.create", target: preservation.id!.uuidString,
                                 detail: ["case": caseID.uuidString, "evidence": String(sealedEvidence != nil)], on: db)
            return preservation
        }
    }

    /// A preserved record, unscoped.
    public func preservation(_ id: UUID) async throws -> PreservationRecord? {
        try await PreservationRecord.find(id, on: db)
    }

    /// A preserved record the caller may see: the platform's own, or one of a case it issued.
    public func preservation(_ id: UUID, for caller: Caller) async throws -> PreservationRecord {
        guard let record = try await PreservationRecord.find(id, on: db),
              let owner = try await CaseRecord.find(record.caseID, on: db),
              HubStore.party(caller, owner) != nil
        else { throw StoreError.notFound(field: "preservation", message: "no preserved record \(id) of your cases") }
        return record
    }

    public func preservations(of caseID: UUID) async throws -> [PreservationRecord] {
        try await PreservationRecord.query(on: db).filter(\.$caseID == caseID).sort(\.$preservedAt).all()
    }

    /// Keeps a record beyond its period, until `until` (a legal hold by either side).
    /// `reseal` is given the record as read in the write, with its hold set, to seal its
    /// values for the hold's last day.
    public func holdPreservation(_ id: UUID, until: Date, by caller: Caller, now: Date,
                                 reseal: @escaping @Sendable (PreservationRecord) throws -> Void) async throws -> PreservationRecord {
        try await hub.write([]) { db in
            guard let record = try await PreservationRecord.find(id, on: db),
                  let owner = try await CaseRecord.find(record.caseID, on: db), HubStore.party(caller, owner) != nil
            else { throw StoreError.notFound(field: "preservation", message: "no preserved record \(id) of your cases") }
            guard record.purgedAt == nil else { throw StoreError.conflict(field: "preservation", message: "this record was purged already") }
            guard until > now else { throw StoreError.invalid(field: "until", message: "a legal hold must end in the future") }
            // Preserved data holds personal data: a hold is renewed with a reason, not set for ever.
            guard until <= now.addingTimeInterval(Self.longestLegalHold) else {
                throw StoreError.invalid(field: "until", message: "a legal hold runs at most 366 days from now; renew it before it ends if the proceedings need longer")
            }
            record.legalHoldUntil = max(until, record.legalHoldUntil ?? until)
            try reseal(record)
            try await record.save(on: db)
            try await Self.audit(caller, "preservation.hold", target: id.uuidString, detail: ["until": Self.iso(until)], on: db)
            return record
        }
    }

    /// Purges every record past its period and any legal hold: the content reference,
    /// hashes, metadata and evidence go, from the disk too where the database allows
    /// (``HubDatabase/eraseOverwrittenPages()``); the fact of the purge stays (and is audited).
    @discardableResult
    public func purgeExpiredPreservations(now: Date) async throws -> Int {
        let expired = try await PreservationRecord.query(on: db).filter(\.$purgedAt == nil).filter(\.$keepUntil < now).all()
            .filter { ($0.legalHoldUntil ?? .distantPast) < now }
        guard !expired.isEmpty else { return 0 }
        let purged = try await hub.write([]) { db in
            var purged = 0
            for candidate in expired {
                // Read again inside the write: a legal hold placed since the first read wins.
                guard let record = try await PreservationRecord.find(candidate.id, on: db), record.purgedAt == nil,
                      record.keepUntil < now, (record.legalHoldUntil ?? .distantPast) < now else { continue }
                purged += 1
                record.contentReference = ""
                record.hashes = "[]"
                record.metadata = "{}"
                record.evidence = nil
                record.sealedDay = nil
                record.purgedAt = now
                try await record.save(on: db)
                try await Self.audit(nil, "preservation.purge", target: record.id!.uuidString,
                                     detail: ["case": record.caseID.uuidString], on: db)
            }
            return purged
        }
        if purged > 0 { await hub.eraseOverwrittenPages() }
        return purged
    }

    /// The earliest day whose retention key seals a record not yet purged: the ratchet may
    /// not move past it.
    public func earliestSealedDay() async throws -> Int? {
        try await PreservationRecord.query(on: db).filter(\.$purgedAt == nil).filter(\.$sealedDay != nil)
            .sort(\.$sealedDay).first()?.sealedDay
    }

    /// The longest one legal hold may run from the moment it is placed.
    static let longestLegalHold: TimeInterval = 366 * 86_400
}
