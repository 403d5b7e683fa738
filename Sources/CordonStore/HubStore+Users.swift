import CordonDomain
import FluentKit
import Foundation

/// People and their browser sessions.
extension HubStore {
    /// A signed-in session with everything a page needs to know about who it is.
    public struct SignedIn: Sendable {
        public var caller: Caller
        public var userID: UUID
        public var userName: String
        public var email: String
        public var csrfToken: String
        public var createdAt: Date
        public var seenAt: Date

        public init(caller: Caller, userID: UUID, userName: String, email: String, csrfToken: String, createdAt: Date, seenAt: Date) {
            self.caller = caller
            self.userID = userID
            self.userName = userName
            self.email = email
            self.csrfToken = csrfToken
            self.createdAt = createdAt
            self.seenAt = seenAt
        }
    }

    public func createUser(organisationID: UUID, name: String, email: String, passwordHash: String, role: Role,
                           totpSecret: String?, by caller: Caller?) async throws -> UserRecord {
        let record = UserRecord(organisationID: organisationID, name: name, email: email, passwordHash: passwordHash,
                                role: role.rawValue, totpSecret: totpSecret)
        try await hub.write([.access]) { db in
            guard try await OrganisationRecord.find(organisationID, on: db) != nil else {
                throw StoreError.notFound(field: "organisation", message: "no organisation \(organisationID)")
            }
            if try await UserRecord.query(on: db).filter(\.$email == email).first() != nil {
                throw StoreError.conflict(field: "email", message: "a user with the email '\(email)' exists already")
            }
            try await record.create(on: db)
            try await Self.audit(caller, "user.create", target: record.id!.uuidString,
                                 detail: ["organisation": organisationID.uuidString, "role": role.rawValue, "email": email], on: db)
        }
        return record
    }

    public func users(of organisationID: UUID?) async throws -> [UserRecord] {
        var query = UserRecord.query(on: db)
        if let organisationID { query = query.filter(\.$organisationID == organisationID) }
        return try await query.sort(\.$email).all()
    }

    public func user(_ id: UUID) async throws -> UserRecord? {
        try await UserRecord.find(id, on: db)
    }

    public func user(email: String) async throws -> UserRecord? {
        try await UserRecord.query(on: db).filter(\.$email == email).first()
    }

    /// Disables a user and ends every session of theirs at once.
    public func disableUser(_ id: UUID, by caller: Caller) async throws {
        try await hub.write([.access]) { db in
            guard let user = try await UserRecord.find(id, on: db) else {
                throw StoreError.notFound(field: "user", message: "no user \(id)")
            }
            guard user.disabledAt == nil else { return }
            user.disabledAt = Date()
            try await user.save(on: db)
            try await WebSessionRecord.query(on: db).filter(\.$userID == id).delete()
            try await Self.audit(caller, "user.disable", target: id.uuidString, detail: [:], on: db)
        }
    }

    /// Records a sign-in attempt in the audit log; `user` is who it was for, if known.
    public func auditSignIn(_ outcome: String, email: String, address: String, user: UserRecord?, caller: Caller?) async throws {
        try await hub.write([]) { db in
            try await Self.audit(caller, "user.\(outcome)", target: user?.id?.uuidString ?? "",
                                 detail: ["email": email, "address": address], on: db)
        }
    }

    /// (Every write goes through the write gate: on SQLite a second writer beside it would
    /// find the database busy.)
    public func createSession(tokenHash: String, user: UUID, csrfToken: String, now: Date, expiresAt: Date) async throws {
        let record = WebSessionRecord(tokenHash: tokenHash, userID: user, csrfToken: csrfToken, createdAt: now, expiresAt: expiresAt)
        try await hub.write([]) { db in try await record.create(on: db) }
    }

    /// The session with `tokenHash`, if it exists and neither its absolute expiry nor
    /// `idleSince` (the oldest acceptable last use) has passed; its last use moves to `now`
    /// when it is more than `touchAfter` old, so most page loads write nothing.
    public func session(tokenHash: String, now: Date, idleSince: Date, touchAfter: TimeInterval) async throws -> SignedIn? {
        guard let session = try await WebSessionRecord.find(tokenHash, on: db) else { return nil }
        guard session.expiresAt > now, session.seenAt > idleSince else {
            try await hub.write([]) { db in try await session.delete(on: db) }
            return nil
        }
        guard let user = try await UserRecord.find(session.userID, on: db), user.disabledAt == nil,
              let organisation = try await OrganisationRecord.find(user.organisationID, on: db), organisation.suspendedAt == nil,
              let role = Role(rawValue: user.role), let kind = OrganisationKind(rawValue: organisation.kind)
        else { return nil }
        if now.timeIntervalSince(session.seenAt) > touchAfter {
            session.seenAt = now
            try await hub.write([]) { db in try await session.save(on: db) }
        }
        let caller = Caller(organisationID: organisation.id!, organisationName: organisation.name, kind: kind, keyID: user.id!, role: role)
        return SignedIn(caller: caller, userID: user.id!, userName: user.name, email: user.email, csrfToken: session.csrfToken,
                        createdAt: session.createdAt, seenAt: session.seenAt)
    }

    public func deleteSession(tokenHash: String) async throws {
        try await hub.write([]) { db in try await WebSessionRecord.query(on: db).filter(\.$id == tokenHash).delete() }
    }
}
