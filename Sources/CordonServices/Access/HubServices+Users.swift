import CordonDomain
import CordonStore
import Crypto
import Foundation
import HummingbirdBcrypt

/// Checks a one-time code against a user's TOTP secret. The web surface supplies it (with
/// hummingbird-auth's TOTP), so the services need no web framework.
public protocol OneTimeCodeCheck: Sendable {
    func accepts(_ code: String, secret: String, at date: Date) -> Bool
}

/// People: accounts inside organisations, with the roles keys have, and their sessions.
extension HubServices {
    public func createUser(in organisation: UUID, _ command: API.NewUser, by caller: Caller?) async throws -> API.UserOut {
        if let caller { try authorise(.createUser, caller, relation(caller, toOrganisation: organisation), field: "organisation") }
        let name = try Validation.name(command.name, field: "name")
        let email = try Self.email(command.email)
        guard command.password.count >= 10 else {
            throw ServiceError.invalid("password", "a password needs at least 10 characters")
        }
        guard command.password.utf8.count <= 72 else {
            throw ServiceError.invalid("password", "a password may have at most 72 bytes (bcrypt reads no further)")
        }
        let hash = Bcrypt.hash(command.password, cost: configuration.sessions.passwordCost)
        let secret = command.secondFactor == true ? Self.totpSecret() : nil
        let record = try await storeCall {
            try await store.createUser(organisationID: organisation, name: name, email: email, passwordHash: hash,
                                       role: command.role, totpSecret: secret, by: caller)
        }
        try await accessChanged()
        return API.UserOut(record, showSecret: true)
    }

    public func users(of organisation: UUID, by caller: Caller) async throws -> [API.UserOut] {
        try authorise(.listUsers, caller, relation(caller, toOrganisation: organisation), field: "organisation")
        return try await store.users(of: organisation).map { API.UserOut($0) }
    }

    public func disableUser(_ id: UUID, by caller: Caller) async throws {
        guard let user = try await store.user(id) else { throw ServiceError.notFound("user", "no user \(id)") }
        try authorise(.disableUser, caller, relation(caller, toOrganisation: user.organisationID), field: "user",
                      notFound: "no user \(id)")
        try await storeCall { try await store.disableUser(id, by: caller) }
        try await accessChanged()
    }

    /// A new session for the person with `email`, if the password (and, where they have
    /// one, the one-time code) is right. Failures are audited and, past five in fifteen
    /// minutes for one email or one address, refused unchecked until the window moves on.
    public func signIn(email rawEmail: String, password: String, code: String?, from address: String,
                       secondFactor: some OneTimeCodeCheck) async throws -> (token: String, session: HubStore.SignedIn) {
        let email = rawEmail.trimmingCharacters(in: .whitespaces).lowercased()
        let now = now()
        let subjects = ["email:" + email, "address:" + address]
        if let until = signIns.blockedUntil(subjects, now: now) {
            try await store.auditSignIn("sign-in-throttled", email: email, address: address, user: nil, caller: nil)
            let minutes = max(1, Int(until.timeIntervalSince(now) / 60 + 0.999))
            throw ServiceError(.busy, field: "email",
                               message: "too many failed sign-ins; try again in \(minutes) minute\(minutes == 1 ? "" : "s")")
        }
        let user = try await store.user(email: email)
        // Verified even for an unknown email, so the answer's timing does not tell which exist.
        let passwordMatches = Bcrypt.verify(password, hash: user?.passwordHash ?? Self.decoyHash)
        guard let user, passwordMatches, user.disabledAt == nil, let caller = access.caller(keyID: user.id!) else {
            signIns.failed(subjects, now: now)
            try await store.auditSignIn("sign-in-failed", email: email, address: address, user: user, caller: nil)
            throw ServiceError(.unauthorized, field: "password", message: "that email and password do not match an active account")
        }
        if let secret = user.totpSecret {
            guard let code, !code.isEmpty else {
                throw ServiceError(.unauthorized, field: "code", message: "this account has a second factor: enter the six-digit code")
            }
            guard secondFactor.accepts(code.trimmingCharacters(in: .whitespaces), secret: secret, at: now) else {
                signIns.failed(subjects, now: now)
                try await store.auditSignIn("sign-in-failed", email: email, address: address, user: user, caller: caller)
                throw ServiceError(.unauthorized, field: "code", message: "that code is wrong or has expired; enter the current one")
            }
        }
        signIns.succeeded("email:" + email)
        let token = HubStore.newSecret(prefix: "", bytes: 32)
        let csrf = HubStore.newSecret(prefix: "", bytes: 24)
        try await store.createSession(tokenHash: HubStore.hashSecret(token), user: user.id!, csrfToken: csrf, now: now,
                                      expiresAt: now.addingTimeInterval(configuration.sessions.absoluteTimeout))
        try await store.auditSignIn("sign-in", email: email, address: address, user: user, caller: caller)
        let session = HubStore.SignedIn(caller: caller, userID: user.id!, userName: user.name, email: user.email,
                                        csrfToken: csrf, createdAt: now, seenAt: now)
        return (token, session)
    }

    /// The session a cookie's token opens, or `nil` once it is unknown, idle too long,
    /// past its absolute limit, or its user or organisation has been stopped.
    public func session(token: String) async throws -> HubStore.SignedIn? {
        let now = now(), policy = configuration.sessions
        guard let session = try await store.session(tokenHash: HubStore.hashSecret(token), now: now,
                                                    idleSince: now.addingTimeInterval(-policy.idleTimeout),
                                                    touchAfter: min(60, policy.idleTimeout / 4)),
              access.caller(keyID: session.userID) != nil
        else { return nil }
        return session
    }

    public func signOut(token: String, by caller: Caller) async throws {
        try await store.deleteSession(tokenHash: HubStore.hashSecret(token))
        try await store.auditSignIn("sign-out", email: "", address: "", user: nil, caller: caller)
    }

    static func email(_ text: String) throws -> String {
        let email = text.trimmingCharacters(in: .whitespaces).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !email.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" })
        else { throw ServiceError.invalid("email", "give an email address such as name@example.org") }
        return email
    }

    /// Twenty random letters and digits: the key TOTP apps are given (base32 of its bytes).
    static func totpSecret() -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        return String((0..<20).map { _ in alphabet.randomElement()! })
    }

    /// A bcrypt hash of nothing anyone knows, to verify against when the email is unknown.
    static let decoyHash = Bcrypt.hash(HubStore.newSecret(prefix: "", bytes: 16), cost: 10)
}
