import CordonDomain
import CordonStore
import Foundation

extension API {
    /// A new person in an organisation; `secondFactor` makes a TOTP secret, shown once.
    public struct NewUser: Decodable, Sendable {
        public var name: String
        public var email: String
        public var password: String
        public var role: Role
        public var secondFactor: Bool?
    }

    public struct UserOut: Codable, Sendable {
        public var id: UUID
        public var organisationID: UUID
        public var name: String
        public var email: String
        public var role: Role
        public var secondFactor: Bool
        /// The TOTP secret, only in the answer that made it.
        public var totpSecret: String?
        public var createdAt: Date?
        public var disabledAt: Date?

        init(_ record: UserRecord, showSecret: Bool = false) {
            id = record.id!
            organisationID = record.organisationID
            name = record.name
            email = record.email
            role = Role(rawValue: record.role) ?? .consumer
            secondFactor = record.totpSecret != nil
            totpSecret = showSecret ? record.totpSecret : nil
            createdAt = record.createdAt
            disabledAt = record.disabledAt
        }
    }
}
