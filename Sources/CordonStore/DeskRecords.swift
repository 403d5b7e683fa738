import FluentKit
import Foundation

/// An authority's "do not refer" mark on a URL or a whole domain, linked to an investigation.
public final class HoldRecord: Model, @unchecked Sendable {
    public static let schema = "holds"

    @ID(key: .id) public var id: UUID?
    @Field(key: "authority_id") public var authorityID: UUID
    @OptionalField(key: "url") public var url: String?
    @OptionalField(key: "domain") public var domain: String?
    @Field(key: "reason") public var reason: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "until") public var until: Date?
    @OptionalField(key: "lifted_at") public var liftedAt: Date?

    public init() {}
}

/// An issuer's Ed25519 public key for signing orders.
public final class SigningKeyRecord: Model, @unchecked Sendable {
    public static let schema = "signing_keys"

    @ID(key: .id) public var id: UUID?
    @Field(key: "organisation_id") public var organisationID: UUID
    /// Raw 32-byte key, base64.
    @Field(key: "public_key") public var publicKey: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "revoked_at") public var revokedAt: Date?

    public init() {}
}

/// A content provider's complaint about a removal, entered and decided by the platform.
public final class ComplaintRecord: Model, @unchecked Sendable {
    public static let schema = "complaints"

    @ID(key: .id) public var id: UUID?
    @Field(key: "case_id") public var caseID: UUID
    @Field(key: "platform_id") public var platformID: UUID
    @Field(key: "statement") public var statement: String
    @Field(key: "filed_at") public var filedAt: Date
    @OptionalField(key: "outcome") public var outcome: String?
    @OptionalField(key: "decided_at") public var decidedAt: Date?
    @OptionalField(key: "reasons") public var reasons: String?

    public init() {}
}

/// The record a platform preserves of removed content (Art. 6): kept six months, longer
/// under a legal hold, then purged.
public final class PreservationRecord: Model, @unchecked Sendable {
    public static let schema = "preservations"

    @ID(key: .id) public var id: UUID?
    @Field(key: "case_id") public var caseID: UUID
    @Field(key: "platform_id") public var platformID: UUID
    @Field(key: "content_reference") public var contentReference: String
    /// JSON: hashes and metadata as the platform gave them.
    @Field(key: "hashes") public var hashes: String
    @Field(key: "metadata") public var metadata: String
    /// The evidence file, sealed by the hub (AES-GCM); nil once purged or if none.
    @OptionalField(key: "evidence") public var evidence: Data?
    @Field(key: "preserved_at") public var preservedAt: Date
    @Field(key: "keep_until") public var keepUntil: Date
    @OptionalField(key: "legal_hold_until") public var legalHoldUntil: Date?
    @OptionalField(key: "purged_at") public var purgedAt: Date?
    /// The day (since 1970, UTC) whose retention key sealed the reference, hashes, metadata
    /// and evidence; nil: kept as given (records from before sealing, or purged).
    @OptionalField(key: "sealed_day") public var sealedDay: Int?

    public init() {}
}

/// Where an organisation wants events posted, signed with its secret.
public final class WebhookRecord: Model, @unchecked Sendable {
    public static let schema = "webhooks"

    @ID(key: .id) public var id: UUID?
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "url") public var url: String
    /// The HMAC key; kept in clear because the hub must sign with it.
    @Field(key: "secret") public var secret: String
    /// Event kinds wanted (JSON array); empty for all.
    @Field(key: "events") public var events: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "revoked_at") public var revokedAt: Date?

    public init() {}
}

/// One event on its way to one webhook: retried with backoff, then dead-lettered.
public final class WebhookDeliveryRecord: Model, @unchecked Sendable {
    public static let schema = "webhook_deliveries"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Field(key: "webhook_id") public var webhookID: UUID
    @Field(key: "event_id") public var eventID: Int
    @Field(key: "event_kind") public var eventKind: String
    @Field(key: "body") public var body: String
    /// pending, delivered or dead.
    @Field(key: "state") public var state: String
    @Field(key: "attempts") public var attempts: Int
    @Field(key: "next_attempt_at") public var nextAttemptAt: Date
    @OptionalField(key: "last_error") public var lastError: String?
    @OptionalField(key: "delivered_at") public var deliveredAt: Date?

    public init() {}
}

/// Hub-wide secrets made at first start (the receipt signing key, the evidence key), in
/// the database so that every replica uses the same ones.
public final class HubSettingRecord: Model, @unchecked Sendable {
    public static let schema = "hub_settings"

    @ID(custom: "name", generatedBy: .user) public var id: String?
    @Field(key: "value") public var value: String

    public init() {}

    public init(name: String, value: String) {
        id = name
        self.value = value
    }
}
