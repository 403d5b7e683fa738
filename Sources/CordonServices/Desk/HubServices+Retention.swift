import CordonStore
import Foundation

/// Preserved records sealed until their period ends (``RetentionKeys``): the reference,
/// hashes, metadata and evidence are stored sealed with the key of the record's last day,
/// opened for the answers, resealed when a legal hold moves that day, and made unreadable
/// everywhere when the ratchet moves past it after the purge.
extension HubServices {
    /// The plain values of a preserved record, as the platform gave them.
    struct PreservedValues {
        var contentReference: String
        var hashes: String
        var metadata: String
        var evidence: Data?
    }

    /// The day whose key seals a record kept until `keepUntil` (and any hold).
    static func sealingDay(_ record: PreservationRecord) -> Int {
        RetentionRatchet.dayNumber(of: max(record.keepUntil, record.legalHoldUntil ?? record.keepUntil))
    }

    /// `values` as stored for `day`: sealed, each bound to its case and field.
    func sealed(_ values: PreservedValues, day: Int, caseID: UUID) throws -> PreservedValues {
        let key = try retention.key(forDay: day, field: "preservation")
        return try Self.each(values, caseID: caseID, evidence: true) { try RetentionKeys.seal($0, with: key, binding: $1) } bytes: {
            try RetentionKeys.seal($0, with: key, binding: $1)
        }
    }

    /// A stored record's values in plain form (records from before sealing are kept plain;
    /// their evidence is sealed by the evidence key). Without `evidence`, the evidence file
    /// is left out (nil): answers say only whether there is one.
    func opened(_ record: PreservationRecord, evidence: Bool) throws -> PreservedValues {
        let stored = PreservedValues(contentReference: record.contentReference, hashes: record.hashes, metadata: record.metadata,
                                     evidence: evidence ? record.evidence : nil)
        guard let day = record.sealedDay else {
            var plain = stored
            plain.evidence = try stored.evidence.map(notary.open)
            return plain
        }
        let key = try retention.key(forDay: day, field: "preservation")
        return try Self.each(stored, caseID: record.caseID, evidence: evidence) { try RetentionKeys.open($0, with: key, binding: $1) } bytes: {
            try RetentionKeys.open($0, with: key, binding: $1)
        }
    }

    /// `values` with `text` applied to each text and `bytes` to the evidence (if `evidence`),
    /// each given the binding of its case and field.
    private static func each(_ values: PreservedValues, caseID: UUID, evidence: Bool, text: (String, String) throws -> String,
                             bytes: (Data, String) throws -> Data) throws -> PreservedValues {
        let binding = { (field: String) in "preservation \(caseID.uuidString) \(field)" }
        return PreservedValues(contentReference: try text(values.contentReference, binding("contentReference")),
                               hashes: try text(values.hashes, binding("hashes")),
                               metadata: try text(values.metadata, binding("metadata")),
                               evidence: evidence ? try values.evidence.map { try bytes($0, binding("evidence")) } : nil)
    }

    /// A stored record as answers show it (its evidence file is not opened).
    func preservationOut(_ record: PreservationRecord) throws -> API.PreservationOut {
        API.PreservationOut(record, values: try opened(record, evidence: false))
    }

    /// Seals `record` (its hold just set) for its new last day, in the hold's own write.
    func reseal(_ record: PreservationRecord) throws {
        let next = Self.sealingDay(record)
        guard let day = record.sealedDay, next != day else { return }
        let sealed = try sealed(try opened(record, evidence: true), day: next, caseID: record.caseID)
        record.contentReference = sealed.contentReference
        record.hashes = sealed.hashes
        record.metadata = sealed.metadata
        record.evidence = sealed.evidence
        record.sealedDay = next
    }

    /// Purges the records past their period and holds, then forgets their keys.
    /// - Returns: how many records were purged.
    @discardableResult
    public func purgeExpiredPreservations() async throws -> Int {
        let purged = try await store.purgeExpiredPreservations(now: now())
        try await forgetRetentionKeys()
        return purged
    }

    /// Moves the retention ratchet to the day before today, never past a record still
    /// kept, so no copy of a purged record (a backup, PostgreSQL's old row versions and
    /// log) can be opened again.
    func forgetRetentionKeys() async throws {
        var day = RetentionRatchet.dayNumber(of: now()) - 1
        if let kept = try await store.earliestSealedDay() { day = min(day, kept) }
        try retention.forget(before: day)
    }
}
