import CordonDomain
import Crypto
import FluentKit
import Foundation
import SQLKit

/// The hub's reads and writes, in domain terms. Every write runs in one transaction with
/// its audit record, so a failed request leaves nothing behind.
public struct HubStore: Sendable {
    public let hub: HubDatabase

    public init(_ hub: HubDatabase) {
        self.hub = hub
    }

    var db: any Database { hub.database }

    // MARK: Organisations and keys

    public func createOrganisation(name: String, kind: OrganisationKind, memberState: String? = nil,
                                   by caller: Caller?) async throws -> OrganisationRecord {
        let record = OrganisationRecord(name: name, kind: kind.rawValue, memberState: memberState)
        try await hub.write([.access]) { db in
            if try await OrganisationRecord.query(on: db).filter(\.$name == name).first() != nil {
                throw StoreError.conflict(field: "name", message: "an organisation named '\(name)' exists already")
            }
            try await record.create(on: db)
            try await Self.joinIncidentCollections(record, on: db)
            try await Self.audit(caller, "organisation.create", target: record.id!.uuidString, detail: ["name": name, "kind": kind.rawValue], on: db)
        }
        return record
    }

    public func organisation(_ id: UUID) async throws -> OrganisationRecord? {
        try await OrganisationRecord.find(id, on: db)
    }

    /// The organisation a request names in `field`, which must be one of `kinds` (`role`
    /// says which, for the message): not found when there is none, invalid when it is of
    /// another kind. Every body that names an organisation answers alike.
    public func organisation(_ id: UUID, field: String, kinds: Set<OrganisationKind>, role: String) async throws -> OrganisationRecord {
        try await Self.organisation(id, field: field, kinds: kinds, role: role, on: db)
    }

    static func organisation(_ id: UUID, field: String, kinds: Set<OrganisationKind>, role: String,
                             on db: any Database) async throws -> OrganisationRecord {
        guard let organisation = try await OrganisationRecord.find(id, on: db) else {
            throw StoreError.notFound(field: field, message: "no organisation \(id); list them with GET /v1/organisations")
        }
        guard let kind = OrganisationKind(rawValue: organisation.kind), kinds.contains(kind) else {
            throw StoreError.invalid(field: field, message: "'\(organisation.name)' is not \(role)")
        }
        return organisation
    }

    public func organisations() async throws -> [OrganisationRecord] {
        try await OrganisationRecord.query(on: db).sort(\.$name).all()
    }

    /// A new key for the organisation. The secret is returned once and stored only hashed.
    public func createKey(organisationID: UUID, role: Role, label: String, by caller: Caller?) async throws -> (APIKeyRecord, String) {
        let secret = Self.newSecret(prefix: "cdn_", bytes: 32)
        let record = APIKeyRecord(organisationID: organisationID, role: role.rawValue, label: label, secretHash: Self.hashSecret(secret))
        try await hub.write([.access]) { db in
            guard try await OrganisationRecord.find(organisationID, on: db) != nil else {
                throw StoreError.notFound(field: "organisation", message: "no organisation \(organisationID)")
            }
            try await record.create(on: db)
            try await Self.audit(caller, "key.create", target: record.id!.uuidString,
                                 detail: ["organisation": organisationID.uuidString, "role": role.rawValue], on: db)
        }
        return (record, secret)
    }

    public func revokeKey(_ id: UUID, by caller: Caller) async throws {
        try await hub.write([.access]) { db in
            guard let key = try await APIKeyRecord.find(id, on: db) else {
                throw StoreError.notFound(field: "key", message: "no key \(id)")
            }
            guard key.revokedAt == nil else { return }
            key.revokedAt = Date()
            try await key.save(on: db)
            try await Self.audit(caller, "key.revoke", target: id.uuidString, detail: [:], on: db)
        }
    }

    /// The caller a secret belongs to, or `nil` for an unknown or revoked key, or one of a
    /// suspended organisation.
    public func authenticate(secret: String) async throws -> Caller? {
        guard let key = try await APIKeyRecord.query(on: db).filter(\.$secretHash == Self.hashSecret(secret)).first(),
              key.revokedAt == nil,
              let organisation = try await OrganisationRecord.find(key.organisationID, on: db),
              organisation.suspendedAt == nil
        else { return nil }
        return Self.caller(key, of: organisation)
    }

    /// A key by id, revoked or not.
    public func key(_ id: UUID) async throws -> APIKeyRecord? {
        try await APIKeyRecord.find(id, on: db)
    }

    /// The organisation's keys, newest first, revoked ones included.
    public func keys(of organisation: UUID) async throws -> [APIKeyRecord] {
        try await APIKeyRecord.query(on: db).filter(\.$organisationID == organisation).sort(\.$createdAt, .descending).all()
    }

    /// Changes an organisation's name, kind or member state (`nil`: unchanged).
    public func updateOrganisation(_ id: UUID, name: String?, kind: OrganisationKind?, memberState: String??,
                                   by caller: Caller?) async throws -> OrganisationRecord {
        try await hub.write([.access]) { db in
            guard let record = try await OrganisationRecord.find(id, on: db) else {
                throw StoreError.notFound(field: "organisation", message: "no organisation \(id)")
            }
            var detail: [String: String] = [:]
            if let name, name != record.name {
                if try await OrganisationRecord.query(on: db).filter(\.$name == name).first() != nil {
                    throw StoreError.conflict(field: "name", message: "an organisation named '\(name)' exists already")
                }
                record.name = name
                detail["name"] = name
            }
            if let kind { record.kind = kind.rawValue; detail["kind"] = kind.rawValue }
            if let memberState { record.memberState = memberState; detail["memberState"] = memberState ?? "" }
            try await record.save(on: db)
            try await Self.audit(caller, "organisation.update", target: id.uuidString, detail: detail, on: db)
            return record
        }
    }

    /// Suspends (cuts every key, stream and webhook of) or reinstates an organisation.
    public func setSuspension(_ id: UUID, suspended: Bool, reason: String, by caller: Caller?, now: Date) async throws -> OrganisationRecord {
        try await hub.write([.access]) { db in
            guard let record = try await OrganisationRecord.find(id, on: db) else {
                throw StoreError.notFound(field: "organisation", message: "no organisation \(id)")
            }
            record.suspendedAt = suspended ? (record.suspendedAt ?? now) : nil
            record.suspensionReason = suspended ? reason : nil
            try await record.save(on: db)
            try await Self.audit(caller, suspended ? "organisation.suspend" : "organisation.reinstate", target: id.uuidString,
                                 detail: ["reason": reason], on: db)
            return record
        }
    }

    /// Who calls with `key`, or `nil` when a stored role or kind is not one this version knows.
    private static func caller(_ key: APIKeyRecord, of organisation: OrganisationRecord) -> Caller? {
        guard let role = Role(rawValue: key.role), let kind = OrganisationKind(rawValue: organisation.kind) else { return nil }
        return Caller(organisationID: organisation.id!, organisationName: organisation.name, kind: kind, keyID: key.id!, role: role)
    }

    /// Every unrevoked key with its caller, by the hash of its secret, and every
    /// organisation's memberships: small tables, held in memory so that a request is
    /// authorised without a query.
    public func accessSnapshot() async throws -> AccessSnapshot {
        let postgres = hub.isPostgres
        // One read transaction, so the tables are read as of one moment (on PostgreSQL a
        // repeatable-read snapshot; on SQLite, in WAL mode, any read transaction is one).
        return try await db.transaction { db in
            if postgres { try await (db as! any SQLDatabase).raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").run() }
            return try await Self.accessSnapshot(on: db)
        }
    }

    private static func accessSnapshot(on db: any Database) async throws -> AccessSnapshot {
        let organisations = Dictionary(uniqueKeysWithValues: try await OrganisationRecord.query(on: db).all().map { ($0.id!, $0) })
        var callers: [String: Caller] = [:]
        var keys: [UUID: Caller] = [:]
        for key in try await APIKeyRecord.query(on: db).filter(\.$revokedAt == nil).all() {
            guard let organisation = organisations[key.organisationID], organisation.suspendedAt == nil,
                  let caller = caller(key, of: organisation)
            else { continue }
            callers[key.secretHash] = caller
            keys[key.id!] = caller
        }
        // People sign in with sessions, not secrets; their callers live under their ids, so
        // a disabled user or a suspended organisation stops at once, as keys do.
        for user in try await UserRecord.query(on: db).filter(\.$disabledAt == nil).all() {
            guard let organisation = organisations[user.organisationID], organisation.suspendedAt == nil,
                  let role = Role(rawValue: user.role), let kind = OrganisationKind(rawValue: organisation.kind)
            else { continue }
            keys[user.id!] = Caller(organisationID: organisation.id!, organisationName: organisation.name, kind: kind,
                                    keyID: user.id!, role: role)
        }
        var memberships: [UUID: [UUID: CollectionAccess]] = [:]
        for row in try await MembershipRecord.query(on: db).all() {
            memberships[row.organisationID, default: [:]][row.collectionID] = CollectionAccess(rawValue: row.access)
        }
        var owners: [UUID: UUID] = [:]
        var drills: Set<UUID> = []
        for collection in try await CollectionRecord.query(on: db).all() {
            if let owner = collection.ownerID { owners[collection.id!] = owner }
            if collection.drill == true { drills.insert(collection.id!) }
        }
        return AccessSnapshot(callers: callers, keys: keys, memberships: memberships, owners: owners, drillCollections: drills,
                              board: Set(organisations.values.filter { $0.board == true }.map { $0.id! }))
    }

    /// A random secret: `prefix` and `bytes` random bytes in hex.
    public static func newSecret(prefix: String, bytes: Int) -> String {
        prefix + (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    /// The SHA-256 (hex) under which a key's secret is stored.
    /// Runs on every request, so the hex is written by table, not `String(format:)`
    /// (which made it a fifth of a match request's time).
    public static func hashSecret(_ secret: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(secret.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    // MARK: Collections

    public func createCollection(name: String, description: String, by caller: Caller) async throws -> CollectionRecord {
        let record = CollectionRecord(name: name, description: description, ownerID: caller.organisationID)
        try await hub.write([.access]) { db in
            if try await CollectionRecord.query(on: db).filter(\.$name == name).first() != nil {
                throw StoreError.conflict(field: "name", message: "a collection named '\(name)' exists already")
            }
            try await record.create(on: db)
            // The creating organisation can write to it.
            try await MembershipRecord(collectionID: record.id!, organisationID: caller.organisationID,
                                       access: CollectionAccess.readWrite.rawValue).create(on: db)
            try await Self.audit(caller, "collection.create", target: record.id!.uuidString, detail: ["name": name], on: db)
        }
        return record
    }

    public func setMembership(collectionID: UUID, organisationID: UUID, access: CollectionAccess, by caller: Caller) async throws {
        try await hub.write([.access]) { db in
            guard try await CollectionRecord.find(collectionID, on: db) != nil else {
                throw StoreError.notFound(field: "collection", message: "no collection \(collectionID)")
            }
            guard try await OrganisationRecord.find(organisationID, on: db) != nil else {
                throw StoreError.notFound(field: "organisation", message: "no organisation \(organisationID)")
            }
            if let existing = try await MembershipRecord.query(on: db)
                .filter(\.$collectionID == collectionID).filter(\.$organisationID == organisationID).first()
            {
                existing.access = access.rawValue
                try await existing.save(on: db)
            } else {
                try await MembershipRecord(collectionID: collectionID, organisationID: organisationID, access: access.rawValue).create(on: db)
            }
            try await Self.audit(caller, "membership.set", target: collectionID.uuidString,
                                 detail: ["organisation": organisationID.uuidString, "access": access.rawValue], on: db)
        }
    }

    /// Ends an organisation's membership of a collection.
    public func removeMembership(collectionID: UUID, organisationID: UUID, by caller: Caller) async throws {
        try await hub.write([.access]) { db in
            guard let existing = try await MembershipRecord.query(on: db)
                .filter(\.$collectionID == collectionID).filter(\.$organisationID == organisationID).first()
            else {
                throw StoreError.notFound(field: "organisation", message: "organisation \(organisationID) is not a member of collection \(collectionID)")
            }
            try await existing.delete(on: db)
            try await Self.audit(caller, "membership.remove", target: collectionID.uuidString,
                                 detail: ["organisation": organisationID.uuidString], on: db)
        }
    }

    public func collections(ids: some Collection<UUID>) async throws -> [CollectionRecord] {
        try await CollectionRecord.query(on: db).filter(\.$id ~~ Array(ids)).sort(\.$name).all()
    }

    public func collection(named name: String) async throws -> CollectionRecord? {
        try await CollectionRecord.query(on: db).filter(\.$name == name).first()
    }

    // MARK: Audit

    /// Audit entries after `id`: every organisation's, or only those `organisation` made.
    public func auditLog(after id: Int, limit: Int, of organisation: UUID? = nil) async throws -> [AuditRecord] {
        let query = AuditRecord.query(on: db).filter(\.$id > id)
        if let organisation { query.filter(\.$organisationID == organisation) }
        return try await query.sort(\.$id).limit(limit).all()
    }

    static func audit(_ caller: Caller?, _ action: String, target: String, detail: [String: String],
                      on db: any Database) async throws {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: detail, options: [.sortedKeys]), as: UTF8.self)
        try await AuditRecord(organisationID: caller?.organisationID, keyID: caller?.keyID, action: action,
                              target: target, detail: json).create(on: db)
    }
}

/// Who may do what, as of one moment: see ``HubStore/accessSnapshot()``.
public struct AccessSnapshot: Sendable {
    /// Unrevoked keys' callers, by ``HubStore/hashSecret(_:)`` of the secret.
    public var callers: [String: Caller]
    /// The same callers by key id, so an open stream can ask whether its key still works.
    public var keys: [UUID: Caller]
    /// Each organisation's collections and its access to each.
    public var memberships: [UUID: [UUID: CollectionAccess]]
    /// Each owned collection's owner.
    public var owners: [UUID: UUID]
    /// Collections of drills: they match only when a request names the drill.
    public var drillCollections: Set<UUID>
    /// Organisations on the operating board.
    public var board: Set<UUID>

    public init(callers: [String: Caller] = [:], keys: [UUID: Caller] = [:], memberships: [UUID: [UUID: CollectionAccess]] = [:],
                owners: [UUID: UUID] = [:], drillCollections: Set<UUID> = [], board: Set<UUID> = []) {
        self.callers = callers
        self.keys = keys
        self.memberships = memberships
        self.owners = owners
        self.drillCollections = drillCollections
        self.board = board
    }
}

/// A write the store refused, naming the field at fault.
public enum StoreError: Error, Hashable, Sendable {
    case notFound(field: String, message: String)
    case conflict(field: String, message: String)
    case forbidden(field: String, message: String)
    case invalid(field: String, message: String)

    /// A domain rule's refusal, as the store reports it.
    public init(_ error: RuleError) {
        switch error.code {
        case .forbidden: self = .forbidden(field: error.field, message: error.message)
        case .conflict: self = .conflict(field: error.field, message: error.message)
        case .notFound: self = .notFound(field: error.field, message: error.message)
        default: self = .invalid(field: error.field, message: error.message)
        }
    }
}

extension HubStore {
    /// The hub operator (created on first call, named `name`) and a new admin key for it.
    public func operatorKey(name: String, label: String) async throws -> (OrganisationRecord, String) {
        let existing = try await OrganisationRecord.query(on: db).filter(\.$kind == OrganisationKind.operator.rawValue).first()
        let organisation: OrganisationRecord
        if let existing {
            organisation = existing
        } else {
            organisation = try await createOrganisation(name: name, kind: .operator, by: nil)
        }
        let (_, secret) = try await createKey(organisationID: organisation.id!, role: .admin, label: label, by: nil)
        return (organisation, secret)
    }
}
