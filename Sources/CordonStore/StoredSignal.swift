import CordonDomain
import Foundation
import SQLKit
import Synchronization

/// A signal as readers see it: its stored fields and the organisations that contributed it.
public struct StoredSignal: Sendable, Hashable {
    public var id: Int
    public var collectionID: UUID
    public var type: SignalType
    /// Canonical lowercase hex.
    public var value: String
    public var item: String?
    public var labels: SignalLabels
    public var confidence: Double
    public var status: SignalStatus
    /// First contributor first.
    public var contributors: [UUID]
    public var createdAt: Date?
    public var updatedAt: Date?
    /// A video's binary vPDQ frames (``VPDQFeatureList``) or `.tmk` file.
    public var payload: [UInt8]?
    /// The video file's digests, where its contributor knew them.
    public var fileMD5: String?
    public var fileSHA256: String?

    public init(id: Int, collectionID: UUID, type: SignalType, value: String, item: String? = nil,
                labels: SignalLabels = SignalLabels(), confidence: Double = 1, status: SignalStatus = .active,
                contributors: [UUID], createdAt: Date? = nil, updatedAt: Date? = nil,
                payload: [UInt8]? = nil, fileMD5: String? = nil, fileSHA256: String? = nil) {
        self.id = id
        self.collectionID = collectionID
        self.type = type
        self.value = value
        self.item = item
        self.labels = labels
        self.confidence = confidence
        self.status = status
        self.contributors = contributors
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.payload = payload
        self.fileMD5 = fileMD5
        self.fileSHA256 = fileSHA256
    }

    /// Reads a row of the `signals` table (all columns, under their own names).
    init(row: any SQLRow) throws {
        let type = try row.decode(column: "type", as: String.self)
        let status = try row.decode(column: "status", as: String.self)
        self.init(
            id: try row.decode(column: "id", as: Int.self),
            collectionID: try row.decode(column: "collection_id", as: UUID.self),
            type: SignalType(rawValue: type) ?? .pdq,
            value: try row.decode(column: "value", as: String.self),
            item: try row.decodeNil(column: "item") ? nil : try row.decode(column: "item", as: String.self),
            labels: Self.labels(try row.decode(column: "labels", as: String.self)),
            confidence: try row.decode(column: "confidence", as: Double.self),
            status: Self.status(status),
            contributors: Self.sources(try row.decode(column: "sources", as: String.self)),
            createdAt: try row.decode(column: "created_at", as: Date?.self),
            updatedAt: try row.decode(column: "updated_at", as: Date?.self),
            payload: try row.decode(column: "payload", as: Data?.self).map(Array.init),
            fileMD5: try row.decode(column: "file_md5", as: String?.self),
            fileSHA256: try row.decode(column: "file_sha256", as: String?.self))
    }

    /// A submission just stored as signal `id`, its caller the only contributor.
    init(_ id: Int, _ submission: SignalSubmission, in collectionID: UUID, by caller: Caller, at now: Date) {
        self.init(
            id: id, collectionID: collectionID, type: submission.type, value: submission.value, item: submission.item,
            labels: submission.labels, confidence: submission.confidence, status: .active,
            contributors: [caller.organisationID], createdAt: now, updatedAt: now,
            payload: submission.payload, fileMD5: submission.fileMD5, fileSHA256: submission.fileSHA256)
    }

    init(_ record: SignalRecord) {
        self.init(
            id: record.id!, collectionID: record.collectionID, type: SignalType(rawValue: record.type) ?? .pdq,
            value: record.value, item: record.item, labels: Self.labels(record.labels), confidence: record.confidence,
            status: Self.status(record.status), contributors: Self.sources(record.sources),
            createdAt: record.createdAt, updatedAt: record.updatedAt,
            payload: record.payload.map(Array.init), fileMD5: record.fileMD5, fileSHA256: record.fileSHA256)
    }

    /// The `status` column, failing closed: a value this version does not know (a corrupt
    /// row, a newer version's) is review-only, never acted on automatically.
    static func status(_ text: String) -> SignalStatus {
        SignalStatus(rawValue: text) ?? .quarantined
    }

    /// The `labels` column. A few label sets cover millions of signals, and start-up and
    /// bulk writes convert every one, so conversions are remembered (up to 10,000 each way).
    static func labels(_ json: String) -> SignalLabels {
        if let known = Memo.labels.withLock({ $0[json] }) { return known }
        let labels = (try? JSONDecoder().decode(SignalLabels.self, from: Data(json.utf8))) ?? SignalLabels()
        Memo.labels.withLock { if $0.count < 10_000 { $0[json] = labels } }
        return labels
    }

    static func labelsJSON(_ labels: SignalLabels) -> String {
        if let known = Memo.labelsJSON.withLock({ $0[labels] }) { return known }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: (try? encoder.encode(labels)) ?? Data("{}".utf8), as: UTF8.self)
        Memo.labelsJSON.withLock { if $0.count < 10_000 { $0[labels] = json } }
        return json
    }

    /// The `sources` column: a JSON array of organisation ids, remembered like labels.
    static func sources(_ json: String) -> [UUID] {
        if let known = Memo.sources.withLock({ $0[json] }) { return known }
        let ids = json.split(whereSeparator: { $0 == "[" || $0 == "]" || $0 == "," || $0 == "\"" }).compactMap { UUID(uuidString: String($0)) }
        Memo.sources.withLock { if $0.count < 10_000 { $0[json] = ids } }
        return ids
    }

    static func sourcesJSON(_ ids: [UUID]) -> String {
        "[" + ids.map { "\"\($0.uuidString)\"" }.joined(separator: ",") + "]"
    }
}

extension StoredSignal {
    /// A collection id column: a handful of distinct values, parsed once each.
    static func uuid(_ text: String) -> UUID? {
        if let known = Memo.uuids.withLock({ $0[text] }) { return known }
        guard let id = UUID(uuidString: text) else { return nil }
        Memo.uuids.withLock { if $0.count < 10_000 { $0[text] = id } }
        return id
    }
}

/// Remembered column conversions (see ``StoredSignal/labels(_:)``).
private enum Memo {
    static let uuids = Mutex<[String: UUID]>([:])
    static let labels = Mutex<[String: SignalLabels]>([:])
    static let labelsJSON = Mutex<[SignalLabels: String]>([:])
    static let sources = Mutex<[String: [UUID]]>([:])
}

/// One entry of the mirror feed: a change and the signal as it is now.
public struct SignalChange: Sendable, Hashable {
    /// Increases in commit order; a mirror passes the last one it saw as `since`.
    public var cursor: Int
    public var kind: ChangeKind
    public var at: Date?
    public var signal: StoredSignal

    public init(cursor: Int, kind: ChangeKind, at: Date?, signal: StoredSignal) {
        self.cursor = cursor
        self.kind = kind
        self.at = at
        self.signal = signal
    }
}
