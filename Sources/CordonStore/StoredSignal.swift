import CordonDomain
import Foundation
import SQLKit

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

    public init(id: Int, collectionID: UUID, type: SignalType, value: String, item: String? = nil,
                labels: SignalLabels = SignalLabels(), confidence: Double = 1, status: SignalStatus = .active,
                contributors: [UUID], createdAt: Date? = nil, updatedAt: Date? = nil) {
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
            status: SignalStatus(rawValue: status) ?? .active,
            contributors: Self.sources(try row.decode(column: "sources", as: String.self)),
            createdAt: try row.decode(column: "created_at", as: Date?.self),
            updatedAt: try row.decode(column: "updated_at", as: Date?.self))
    }

    init(_ record: SignalRecord) {
        self.init(
            id: record.id!, collectionID: record.collectionID, type: SignalType(rawValue: record.type) ?? .pdq,
            value: record.value, item: record.item, labels: Self.labels(record.labels), confidence: record.confidence,
            status: SignalStatus(rawValue: record.status) ?? .active, contributors: Self.sources(record.sources),
            createdAt: record.createdAt, updatedAt: record.updatedAt)
    }

    static func labels(_ json: String) -> SignalLabels {
        (try? JSONDecoder().decode(SignalLabels.self, from: Data(json.utf8))) ?? SignalLabels()
    }

    static func labelsJSON(_ labels: SignalLabels) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(labels)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// The `sources` column: a JSON array of organisation ids. Parsed by hand: it is read
    /// for every signal at start-up.
    static func sources(_ json: String) -> [UUID] {
        json.split(whereSeparator: { $0 == "[" || $0 == "]" || $0 == "," || $0 == "\"" }).compactMap { UUID(uuidString: String($0)) }
    }

    static func sourcesJSON(_ ids: [UUID]) -> String {
        "[" + ids.map { "\"\($0.uuidString)\"" }.joined(separator: ",") + "]"
    }
}

/// One entry of the mirror feed: a change and the signal as it is now.
public struct SignalChange: Sendable, Hashable {
    /// Increases in commit order; a mirror passes the last one it saw as `since`.
    public var cursor: Int
    public var kind: ChangeKind
    public var at: Date?
    public var signal: StoredSignal
}
