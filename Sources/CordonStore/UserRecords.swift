import FluentKit
import Foundation

/// A person who signs in to the pages: one organisation, one role (as for keys), a bcrypt
/// password hash and, optionally, a TOTP secret for a second factor.
public final class UserRecord: Model, @unchecked Sendable {
    public static let schema = "users"

    @ID(key: .id) public var id: UUID?
    @Field(key: "organisation_id") public var organisationID: UUID
    @Field(key: "name") public var name: String
    /// Lower-cased; unique across the hub (it is the login).
    @Field(key: "email") public var email: String
    @Field(key: "password_hash") public var passwordHash: String
    @Field(key: "role") public var role: String
    @OptionalField(key: "totp_secret") public var totpSecret: String?
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @OptionalField(key: "disabled_at") public var disabledAt: Date?

    public init() {}

    public init(organisationID: UUID, name: String, email: String, passwordHash: String, role: String, totpSecret: String?) {
        self.organisationID = organisationID
        self.name = name
        self.email = email
        self.passwordHash = passwordHash
        self.role = role
        self.totpSecret = totpSecret
    }
}

/// A signed-in browser. Stored, so a session works on every replica; the cookie carries a
/// random token whose SHA-256 is the id, so the table alone cannot be replayed.
public final class WebSessionRecord: Model, @unchecked Sendable {
    public static let schema = "web_sessions"

    @ID(custom: "token_hash", generatedBy: .user) public var id: String?
    @Field(key: "user_id") public var userID: UUID
    /// The token every form of this session carries (double-submit is not needed: it is
    /// compared with this).
    @Field(key: "csrf_token") public var csrfToken: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "seen_at") public var seenAt: Date
    @Field(key: "expires_at") public var expiresAt: Date

    public init() {}

    public init(tokenHash: String, userID: UUID, csrfToken: String, createdAt: Date, expiresAt: Date) {
        self.id = tokenHash
        self.userID = userID
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.seenAt = createdAt
        self.expiresAt = expiresAt
    }
}
