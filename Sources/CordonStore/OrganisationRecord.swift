import FluentKit
import Foundation

/// A member organisation, as stored.
public final class OrganisationRecord: Model, @unchecked Sendable {
    public static let schema = "organisations"

    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    @Field(key: "kind") public var kind: String
    /// ISO 3166 code of the member state where a platform is established, or where an
    /// authority is competent: decides who scrutinises cross-border orders.
    @OptionalField(key: "member_state") public var memberState: String?
    /// Whether the organisation sits on the operating board, which activates and concludes
    /// incidents.
    @OptionalField(key: "board") public var board: Bool?
    /// Set while the operator has suspended the organisation: none of its keys, streams or
    /// webhooks work until it is reinstated.
    @OptionalField(key: "suspended_at") public var suspendedAt: Date?
    @OptionalField(key: "suspension_reason") public var suspensionReason: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, name: String, kind: String, memberState: String? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.memberState = memberState
    }
}

/// An API key: only the SHA-256 of its secret is kept, so a stolen database yields no keys.
public final class APIKeyRecord: Model, @unchecked Sendable {
    public static let schema = "api_keys"

    @ID(key: .id) public var id: UUID?
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "role") public var role: String
    @Field(key: "label") public var label: String
    @Field(key: "secret_hash") public var secretHash: String
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @OptionalField(key: "revoked_at") public var revokedAt: Date?

    public init() {}

    public init(id: UUID? = nil, organisationID: UUID, role: String, label: String, secretHash: String) {
        self.id = id
        self.organisationID = organisationID
        self.role = role
        self.label = label
        self.secretHash = secretHash
    }
}

/// A shared hash list.
public final class CollectionRecord: Model, @unchecked Sendable {
    public static let schema = "collections"

    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    @Field(key: "description") public var description: String
    /// The incident whose hashes this collection holds, if any.
    @OptionalField(key: "incident_id") public var incidentID: UUID?
    /// A drill's collection: its hashes match only inside the drill.
    @OptionalField(key: "drill") public var drill: Bool?
    /// The organisation that owns the collection and alone manages its members; `nil` for
    /// incident collections, which the hub holds.
    @OptionalField(key: "owner_id") public var ownerID: UUID?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?

    public init() {}

    public init(id: UUID? = nil, name: String, description: String, ownerID: UUID? = nil) {
        self.id = id
        self.name = name
        self.description = description
        self.ownerID = ownerID
    }
}

/// An organisation's read or read-write membership of a collection.
public final class MembershipRecord: Model, @unchecked Sendable {
    public static let schema = "memberships"

    @ID(key: .id) public var id: UUID?
    @Field(key: "collection_id") public var collectionID: UUID
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "access") public var access: String

    public init() {}

    public init(collectionID: UUID, organisationID: UUID, access: String) {
        self.collectionID = collectionID
        self.organisationID = organisationID
        self.access = access
    }
}
