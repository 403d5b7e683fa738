import FluentKit
import Foundation

/// A referral or removal order, as stored: one row, with the order as signed, every time
/// that matters to the one-hour clock, and the outcome.
public final class CaseRecord: Model, @unchecked Sendable {
    public static let schema = "cases"

    @ID(key: .id) public var id: UUID?
    @Field(key: "kind") public var kind: String
    @Field(key: "issuer_id") public var issuerID: UUID
    @Field(key: "platform_id") public var platformID: UUID
    @Field(key: "reference") public var reference: String
    @Field(key: "state") public var state: String
    /// Normalised URLs (JSON array); also one ``CaseURLRecord`` each.
    @Field(key: "urls") public var urls: String
    /// ``ContentHash`` list (JSON).
    @Field(key: "hashes") public var hashes: String
    /// Art. 2(7) categories (JSON array).
    @Field(key: "categories") public var categories: String
    @Field(key: "statement") public var statement: String
    @Field(key: "emergency") public var emergency: Bool
    @Field(key: "first_order") public var firstOrder: Bool
    /// The order as the issuer signed it (RFC 8785 JSON), with the signature and key.
    @OptionalField(key: "order_json") public var orderJSON: String?
    @OptionalField(key: "signature") public var signature: String?
    @OptionalField(key: "signing_key_id") public var signingKeyID: UUID?
    @OptionalField(key: "non_disclosure_until") public var nonDisclosureUntil: Date?
    /// When the hub accepted it from the issuer, and when it reached the platform's inbox.
    @Field(key: "sent_at") public var sentAt: Date
    @Field(key: "received_at") public var receivedAt: Date
    /// The hub's signed receipt: JSON {"statement": …, "signature": …}.
    @OptionalField(key: "receipt") public var receipt: String?
    @OptionalField(key: "acknowledged_at") public var acknowledgedAt: Date?
    @OptionalField(key: "deadline_at") public var deadlineAt: Date?
    @OptionalField(key: "paused_at") public var pausedAt: Date?
    @OptionalField(key: "pause_reason") public var pauseReason: String?
    @OptionalField(key: "pause_detail") public var pauseDetail: String?
    /// ``DeadlineAlert`` bits sent for the current deadline.
    @Field(key: "alerts_sent") public var alertsSent: Int
    @OptionalField(key: "next_alert_at") public var nextAlertAt: Date?
    @OptionalField(key: "breached_at") public var breachedAt: Date?
    @OptionalField(key: "removed_at") public var removedAt: Date?
    @OptionalField(key: "removal_action") public var removalAction: String?
    /// Seconds from receipt to removal, for the time-to-removal figures.
    @OptionalField(key: "removal_seconds") public var removalSeconds: Double?
    @OptionalField(key: "refusal_reason") public var refusalReason: String?
    @OptionalField(key: "closed_at") public var closedAt: Date?
    @Field(key: "reinstatable") public var reinstatable: Bool
    @OptionalField(key: "reinstated_at") public var reinstatedAt: Date?
    /// The authority of the platform's home member state, which gets a copy (cross-border orders).
    @OptionalField(key: "scrutiny_authority_id") public var scrutinyAuthorityID: UUID?
    @OptionalField(key: "scrutiny_requested_at") public var scrutinyRequestedAt: Date?
    @OptionalField(key: "scrutiny_outcome") public var scrutinyOutcome: String?
    @OptionalField(key: "scrutiny_decided_at") public var scrutinyDecidedAt: Date?
    @OptionalField(key: "scrutiny_reasons") public var scrutinyReasons: String?
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}
}

/// One URL of a case: what de-confliction compares and the removal checker re-fetches.
public final class CaseURLRecord: Model, @unchecked Sendable {
    public static let schema = "case_urls"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Field(key: "case_id") public var caseID: UUID
    @Field(key: "issuer_id") public var issuerID: UUID
    @Field(key: "url") public var url: String
    @Field(key: "host") public var host: String
    /// unknown, live, gone.
    @Field(key: "status") public var status: String
    @OptionalField(key: "next_check_at") public var nextCheckAt: Date?
    @OptionalField(key: "last_checked_at") public var lastCheckedAt: Date?
    @OptionalField(key: "gone_at") public var goneAt: Date?

    public init() {}

    public init(caseID: UUID, issuerID: UUID, url: String, host: String, nextCheckAt: Date?) {
        self.caseID = caseID
        self.issuerID = issuerID
        self.url = url
        self.host = host
        status = "unknown"
        self.nextCheckAt = nextCheckAt
    }
}

/// One fetch of a case URL by the removal checker.
public final class URLCheckRecord: Model, @unchecked Sendable {
    public static let schema = "url_checks"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Field(key: "case_url_id") public var caseURLID: Int
    @Field(key: "case_id") public var caseID: UUID
    @Field(key: "at") public var at: Date
    /// live, gone or error.
    @Field(key: "outcome") public var outcome: String
    @OptionalField(key: "status_code") public var statusCode: Int?
    @Field(key: "detail") public var detail: String

    public init() {}
}

/// What both sides of a case are told, in order: the source of the case event stream
/// and of webhook deliveries.
public final class CaseEventRecord: Model, @unchecked Sendable {
    public static let schema = "case_events"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Field(key: "case_id") public var caseID: UUID
    @Field(key: "kind") public var kind: String
    @Field(key: "issuer_id") public var issuerID: UUID
    @Field(key: "platform_id") public var platformID: UUID
    @OptionalField(key: "scrutiny_authority_id") public var scrutinyAuthorityID: UUID?
    @Field(key: "at") public var at: Date
    /// JSON object of strings.
    @Field(key: "detail") public var detail: String

    public init() {}
}
