import Foundation

/// Who is making a request: the organisation behind an API key, and the key's role.
public struct Caller: Sendable, Hashable {
    public var organisationID: UUID
    public var organisationName: String
    public var kind: OrganisationKind
    public var keyID: UUID
    public var role: Role

    public init(organisationID: UUID, organisationName: String, kind: OrganisationKind, keyID: UUID, role: Role) {
        self.organisationID = organisationID
        self.organisationName = organisationName
        self.kind = kind
        self.keyID = keyID
        self.role = role
    }
}
