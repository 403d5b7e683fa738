import CordonDomain
import FluentKit
import Foundation

/// A signal as readers see it: stored fields plus the organisations that contributed it.
public struct StoredSignal: Sendable, Hashable {
    public var id: Int
    public var collectionID: UUID
    public var type: SignalType
    public var value: String
    public var item: String?
    public var labels: SignalLabels
    public var confidence: Double
    public var status: SignalStatus
    public var contributors: [UUID]
    public var createdAt: Date?
    public var updatedAt: Date?
}

/// What happened to one submitted signal.
public enum SubmissionOutcome: String, Sendable, Codable {
    /// A new signal.
    case created
    /// The hash was there already: the caller was added as a source.
    case sourceAdded = "source-added"
    /// The caller had contributed it before: nothing changed.
    case unchanged
}

extension HubStore {
    /// Adds signals to a collection, all or nothing. A hash already in the collection gains
    /// the caller as a source instead of a duplicate row; a retracted one is revived.
    public func submit(_ submissions: [SignalSubmission], to collectionID: UUID, by caller: Caller)
        async throws -> [(StoredSignal, SubmissionOutcome)]
    {
        let postgres = hub.isPostgres
        return try await db.transaction { db in
            try await Self.lockFeed(on: db, postgres: postgres)
            var results: [(StoredSignal, SubmissionOutcome)] = []
            for submission in submissions {
                let labels = String(decoding: try JSONEncoder().encode(submission.labels), as: UTF8.self)
                let outcome: SubmissionOutcome
                let record: SignalRecord
                if let existing = try await SignalRecord.query(on: db)
                    .filter(\.$collectionID == collectionID).filter(\.$type == submission.type.rawValue)
                    .filter(\.$value == submission.value).first()
                {
                    record = existing
                    let known = try await SignalSourceRecord.query(on: db)
                        .filter(\.$signalID == existing.id!).filter(\.$organisationID == caller.organisationID).first()
                    let revived = existing.status == SignalStatus.retracted.rawValue
                    if revived {
                        existing.status = SignalStatus.active.rawValue
                        existing.labels = labels
                        existing.confidence = submission.confidence
                        try await existing.save(on: db)
                    }
                    if known == nil {
                        try await SignalSourceRecord(signalID: existing.id!, organisationID: caller.organisationID).create(on: db)
                    }
                    if revived || known == nil {
                        try await ChangeRecord(collectionID: collectionID, signalID: existing.id!, kind: ChangeKind.updated.rawValue).create(on: db)
                        outcome = .sourceAdded
                    } else {
                        outcome = .unchanged
                    }
                } else {
                    record = SignalRecord(
                        collectionID: collectionID, type: submission.type.rawValue, value: submission.value,
                        item: submission.item, labels: labels, confidence: submission.confidence,
                        status: SignalStatus.active.rawValue, contributorID: caller.organisationID)
                    try await record.create(on: db)
                    try await SignalSourceRecord(signalID: record.id!, organisationID: caller.organisationID).create(on: db)
                    try await ChangeRecord(collectionID: collectionID, signalID: record.id!, kind: ChangeKind.added.rawValue).create(on: db)
                    outcome = .created
                }
                results.append((try await Self.stored(record, on: db), outcome))
            }
            try await Self.audit(caller, "signals.submit", target: collectionID.uuidString,
                                 detail: ["count": String(submissions.count),
                                          "created": String(results.filter { $0.1 == .created }.count)], on: db)
            return results
        }
    }

    /// Withdraws a signal. Only an organisation that contributed it may.
    public func retract(signalID: Int, by caller: Caller) async throws -> StoredSignal {
        let postgres = hub.isPostgres
        return try await db.transaction { db in
            guard let record = try await SignalRecord.find(signalID, on: db) else {
                throw StoreError.notFound(field: "signal", message: "no signal \(signalID)")
            }
            guard try await SignalSourceRecord.query(on: db).filter(\.$signalID == signalID)
                .filter(\.$organisationID == caller.organisationID).first() != nil
            else {
                throw StoreError.forbidden(field: "signal", message: "only an organisation that contributed signal \(signalID) can retract it")
            }
            if record.status != SignalStatus.retracted.rawValue {
                try await Self.lockFeed(on: db, postgres: postgres)
                record.status = SignalStatus.retracted.rawValue
                try await record.save(on: db)
                try await ChangeRecord(collectionID: record.collectionID, signalID: signalID, kind: ChangeKind.retracted.rawValue).create(on: db)
                try await Self.audit(caller, "signal.retract", target: String(signalID), detail: [:], on: db)
            }
            return try await Self.stored(record, on: db)
        }
    }

    /// Records feedback and applies the dispute rule.
    public func addFeedback(signalID: Int, kind: FeedbackKind, comment: String, rule: DisputeRule, by caller: Caller) async throws -> StoredSignal {
        let postgres = hub.isPostgres
        return try await db.transaction { db in
            guard let record = try await SignalRecord.find(signalID, on: db) else {
                throw StoreError.notFound(field: "signal", message: "no signal \(signalID)")
            }
            try await FeedbackRecord(signalID: signalID, organisationID: caller.organisationID, kind: kind.rawValue, comment: comment).create(on: db)
            let sources = Set(try await SignalSourceRecord.query(on: db).filter(\.$signalID == signalID).all().map(\.organisationID))
            let dissent = Set(try await FeedbackRecord.query(on: db).filter(\.$signalID == signalID).all()
                .filter { FeedbackKind(rawValue: $0.kind)?.isDissent == true }.map(\.organisationID))
                .subtracting(sources)
            let current = SignalStatus(rawValue: record.status) ?? .active
            let next = rule.status(current: current, dissentingOrganisations: dissent.count)
            if next != current {
                try await Self.lockFeed(on: db, postgres: postgres)
                record.status = next.rawValue
                try await record.save(on: db)
                try await ChangeRecord(collectionID: record.collectionID, signalID: signalID, kind: ChangeKind.updated.rawValue).create(on: db)
            }
            try await Self.audit(caller, "signal.feedback", target: String(signalID), detail: ["kind": kind.rawValue], on: db)
            return try await Self.stored(record, on: db)
        }
    }

    public func signal(_ id: Int) async throws -> StoredSignal? {
        guard let record = try await SignalRecord.find(id, on: db) else { return nil }
        return try await Self.stored(record, on: db)
    }

    /// Signals by id, with their contributors, for match answers.
    public func signals(ids: [Int]) async throws -> [Int: StoredSignal] {
        guard !ids.isEmpty else { return [:] }
        let records = try await SignalRecord.query(on: db).filter(\.$id ~~ ids).all()
        let sources = try await SignalSourceRecord.query(on: db).filter(\.$signalID ~~ ids).all()
        let bySignal = Dictionary(grouping: sources, by: \.signalID)
        return Dictionary(uniqueKeysWithValues: records.map { record in
            (record.id!, Self.stored(record, contributors: (bySignal[record.id!] ?? []).sorted { ($0.createdAt ?? .distantPast) < ($1.createdAt ?? .distantPast) }.map(\.organisationID)))
        })
    }

    /// Every signal that can match (not retracted), for building the in-memory index.
    public func matchableSignals() async throws -> [(id: Int, collectionID: UUID, type: SignalType, value: String)] {
        try await SignalRecord.query(on: db).filter(\.$status != SignalStatus.retracted.rawValue).all().compactMap { record in
            SignalType(rawValue: record.type).map { (record.id!, record.collectionID, $0, record.value) }
        }
    }

    /// Feed entries of `collectionID` after `cursor`, oldest first, with the signal as it is now.
    public func changes(in collectionID: UUID, after cursor: Int, limit: Int) async throws -> [(ChangeRecord, StoredSignal)] {
        let changes = try await ChangeRecord.query(on: db).filter(\.$collectionID == collectionID)
            .filter(\.$id > cursor).sort(\.$id).limit(limit).all()
        let signals = try await signals(ids: Array(Set(changes.map(\.signalID))))
        return changes.compactMap { change in signals[change.signalID].map { (change, $0) } }
    }

    static func stored(_ record: SignalRecord, on db: any Database) async throws -> StoredSignal {
        let sources = try await SignalSourceRecord.query(on: db).filter(\.$signalID == record.id!).sort(\.$createdAt).all()
        return stored(record, contributors: sources.map(\.organisationID))
    }

    static func stored(_ record: SignalRecord, contributors: [UUID]) -> StoredSignal {
        StoredSignal(
            id: record.id!, collectionID: record.collectionID, type: SignalType(rawValue: record.type) ?? .pdq,
            value: record.value, item: record.item,
            labels: (try? JSONDecoder().decode(SignalLabels.self, from: Data(record.labels.utf8))) ?? SignalLabels(),
            confidence: record.confidence, status: SignalStatus(rawValue: record.status) ?? .active,
            contributors: contributors, createdAt: record.createdAt, updatedAt: record.updatedAt)
    }
}
