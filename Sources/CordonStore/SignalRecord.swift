import FluentKit
import Foundation

/// One hash in one collection. Unique per (collection, type, value): a second contribution
/// of the same hash adds its organisation to `sources` instead of a row.
public final class SignalRecord: Model, @unchecked Sendable {
    public static let schema = "signals"

    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "collection_id") public var collectionID: UUID
    @Field(key: "type") public var type: String
    @Field(key: "value") public var value: String
    /// Groups the variant hashes of one piece of content.
    @OptionalField(key: "item") public var item: String?
    /// ``SignalLabels`` as JSON.
    @Field(key: "labels") public var labels: String
    @Field(key: "confidence") public var confidence: Double
    @Field(key: "status") public var status: String
    /// The contributing organisations' ids, first contributor first, as a JSON array.
    @Field(key: "sources") public var sources: String
    /// A video's binary vPDQ frames or `.tmk` file (``VideoSignalSchema``).
    @OptionalField(key: "payload") public var payload: Data?
    @OptionalField(key: "file_md5") public var fileMD5: String?
    @OptionalField(key: "file_sha256") public var fileSHA256: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public init() {}

    public init(collectionID: UUID, type: String, value: String, item: String?, labels: String,
                confidence: Double, status: String, sources: String) {
        self.collectionID = collectionID
        self.type = type
        self.value = value
        self.item = item
        self.labels = labels
        self.confidence = confidence
        self.status = status
        self.sources = sources
    }
}

/// A member's feedback on a signal.
public final class FeedbackRecord: Model, @unchecked Sendable {
    public static let schema = "feedback"

    @ID(key: .id) public var id: UUID?
    @Field(key: "signal_id") public var signalID: Int
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "kind") public var kind: String
    @Field(key: "comment") public var comment: String
    /// How far the matched content's hash was from the signal's, where the platform said.
    @OptionalField(key: "distance") public var distance: Int?
    /// The hub's signed statement of the event (JSON: `statement` and `signature`).
    @OptionalField(key: "signed") public var signed: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(signalID: Int, organisationID: UUID, kind: String, comment: String, distance: Int? = nil, signed: String? = nil) {
        self.signalID = signalID
        self.organisationID = organisationID
        self.kind = kind
        self.comment = comment
        self.distance = distance
        self.signed = signed
    }
}

/// One entry of the mirror feed. Its id is the cursor; ids are handed out in commit order
/// (see ``HubStore/recordChanges(_:on:)``), so a mirror reading `id > cursor` misses nothing.
public final class ChangeRecord: Model, @unchecked Sendable {
    public static let schema = "changes"

    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "collection_id") public var collectionID: UUID
    @Field(key: "signal_id") public var signalID: Int
    @Field(key: "kind") public var kind: String
    @Timestamp(key: "at", on: .create) public var at: Date?

    public init() {}

    public init(collectionID: UUID, signalID: Int, kind: String) {
        self.collectionID = collectionID
        self.signalID = signalID
        self.kind = kind
    }
}

/// One write, as the audit log records it.
public final class AuditRecord: Model, @unchecked Sendable {
    public static let schema = "audit_log"

    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Timestamp(key: "at", on: .create) public var at: Date?
    @OptionalField(key: "organisation_id") public var organisationID: UUID?
    @OptionalField(key: "key_id") public var keyID: UUID?
    @Field(key: "action") public var action: String
    @Field(key: "target") public var target: String
    @Field(key: "detail") public var detail: String
    /// Its place in the hash chain, once sealed (``HubStore/sealAudit(limit:)``).
    @OptionalField(key: "seal") public var seal: Int?
    /// The chain hash of the entry sealed before it ("" for the first).
    @OptionalField(key: "previous_hash") public var previousHash: String?
    /// SHA-256 over this entry's fields, its seal and `previousHash` (``AuditChain``).
    @OptionalField(key: "entry_hash") public var entryHash: String?

    public init() {}

    public init(organisationID: UUID?, keyID: UUID?, action: String, target: String, detail: String) {
        self.organisationID = organisationID
        self.keyID = keyID
        self.action = action
        self.target = target
        self.detail = detail
    }
}
