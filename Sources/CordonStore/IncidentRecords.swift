import FluentKit
import Foundation

/// An incident of the crisis protocol, as stored.
public final class IncidentRecord: Model, @unchecked Sendable {
    public static let schema = "incidents"

    @ID(key: .id) public var id: UUID?
    @Field(key: "title") public var title: String
    /// What happened, where and when, and the content seen.
    @Field(key: "summary") public var summary: String
    @Field(key: "location") public var location: String
    @Field(key: "occurred_at") public var occurredAt: Date
    @Field(key: "content_seen") public var contentSeen: String
    /// JSON of the criteria checklist.
    @Field(key: "criteria") public var criteria: String
    @Field(key: "level") public var level: String
    @Field(key: "state") public var state: String
    @Field(key: "drill") public var drill: Bool
    @Field(key: "collection_id") public var collectionID: UUID
    /// JSON list of the authorities named on the incident (affected governments, units).
    @Field(key: "authorities") public var authorities: String
    @Field(key: "proposed_by") public var proposedBy: UUID
    @Field(key: "proposed_at") public var proposedAt: Date
    @OptionalField(key: "activated_at") public var activatedAt: Date?
    @OptionalField(key: "concluded_at") public var concludedAt: Date?
    /// The board's reasons for concluding (volume has dropped, …).
    @OptionalField(key: "conclusion") public var conclusion: String?
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}
}

/// An organisation that sees an incident because it is named on it (or proposed it);
/// platforms, referral units, trusted flaggers, auditors and the board see every incident.
public final class IncidentPartyRecord: Model, @unchecked Sendable {
    public static let schema = "incident_parties"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Field(key: "incident_id") public var incidentID: UUID
    @Field(key: "organisation_id") public var organisationID: UUID

    public init() {}

    public init(incidentID: UUID, organisationID: UUID) {
        self.incidentID = incidentID
        self.organisationID = organisationID
    }
}

/// A board organisation's vote to activate or conclude an incident.
public final class IncidentVoteRecord: Model, @unchecked Sendable {
    public static let schema = "incident_votes"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Field(key: "incident_id") public var incidentID: UUID
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "decision") public var decision: String
    @Field(key: "reason") public var reason: String
    @Field(key: "at") public var at: Date

    public init() {}
}

/// One entry of an incident's timeline, pushed to subscribers and webhooks.
public final class IncidentEventRecord: Model, @unchecked Sendable {
    public static let schema = "incident_events"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Field(key: "incident_id") public var incidentID: UUID
    @Field(key: "kind") public var kind: String
    @Field(key: "drill") public var drill: Bool
    @OptionalField(key: "organisation_id") public var organisationID: UUID?
    @Field(key: "at") public var at: Date
    /// JSON of an ``IncidentEventDetail``.
    @Field(key: "detail") public var detail: String

    public init() {}
}

/// A URL where an incident's content was seen, with what the sharer knows of it.
public final class IncidentURLRecord: Model, @unchecked Sendable {
    public static let schema = "incident_urls"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Field(key: "incident_id") public var incidentID: UUID
    @Field(key: "url") public var url: String
    @Field(key: "shared_by") public var sharedBy: UUID
    /// The platform hosting it, when it is a member.
    @OptionalField(key: "platform_id") public var platformID: UUID?
    @OptionalField(key: "first_seen_at") public var firstSeenAt: Date?
    @OptionalField(key: "views") public var views: Int?
    @Field(key: "note") public var note: String
    /// The referral or order opened from it in one step, if any.
    @OptionalField(key: "case_id") public var caseID: UUID?
    @Field(key: "shared_at") public var sharedAt: Date

    public init() {}
}

/// Matches a platform found in one hour: counts only, never user data.
public final class IncidentMatchRecord: Model, @unchecked Sendable {
    public static let schema = "incident_matches"

    @ID(custom: .id, generatedBy: .database) public var id: Int?
    @Field(key: "incident_id") public var incidentID: UUID
    @Field(key: "platform_id") public var platformID: UUID
    @Field(key: "hour") public var hour: Date
    @Field(key: "matches") public var matches: Int
    @Field(key: "reported_at") public var reportedAt: Date

    public init() {}
}
