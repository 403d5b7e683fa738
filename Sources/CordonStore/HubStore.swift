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

    /// The caller a secret belongs to, or `nil` for an unknown or revoked key.
    public func authenticate(secret: String) async throws -> Caller? {
        guard let key = try await APIKeyRecord.query(on: db).filter(\.$secretHash == Self.hashSecret(secret)).first(),
              key.revokedAt == nil,
              let organisation = try await OrganisationRecord.find(key.organisationID, on: db)
        else { return nil }
        return Self.caller(key, of: organisation)
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
        let organisations = Dictionary(uniqueKeysWithValues: try await OrganisationRecord.query(on: db).all().map { ($0.id!, $0) })
        var callers: [String: Caller] = [:]
        for key in try await APIKeyRecord.query(on: db).filter(\.$revokedAt == nil).all() {
            callers[key.secretHash] = organisations[key.organisationID].flatMap { Self.caller(key, of: $0) }
        }
        var memberships: [UUID: [UUID: CollectionAccess]] = [:]
        for row in try await MembershipRecord.query(on: db).all() {
            memberships[row.organisationID, default: [:]][row.collectionID] = CollectionAccess(rawValue: row.access)
        }
        let drills = try await CollectionRecord.query(on: db).filter(\.$drill == true).all().compactMap(\.id)
        return AccessSnapshot(callers: callers, memberships: memberships, drillCollections: Set(drills))
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
        let record = CollectionRecord(name: name, description: description)
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

    public func collections(ids: some Collection<UUID>) async throws -> [CollectionRecord] {
        try await CollectionRecord.query(on: db).filter(\.$id ~~ Array(ids)).sort(\.$name).all()
    }

    public func collection(named name: String) async throws -> CollectionRecord? {
        try await CollectionRecord.query(on: db).filter(\.$name == name).first()
    }

    // MARK: Audit

    public func auditLog(after id: Int, limit: Int) async throws -> [AuditRecord] {
        try await AuditRecord.query(on: db).filter(\.$id > id).sort(\.$id).limit(limit).all()
    }

    static func audit(_ caller: Caller?, _ action: String, target: String, detail: [String: String],
                      on db: any Database) async throws {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: detail, options: [.sortedKeys]), as: UTF8.self)
        try await AuditRecord(organisationID: caller?.organisationID, keyID: caller?.keyID, action: action,
                              target: target, detail: json).create(on: db)
    }

    /// Serialises writers of the feed on PostgreSQL, so change ids are committed in order
    /// and a mirror reading `id > cursor` never skips one committed late (SQLite already
    /// allows one writer at a time).
    static func lockFeed(on sql: any SQLDatabase, postgres: Bool) async throws {
        guard postgres else { return }
        try await sql.raw("LOCK TABLE changes IN SHARE ROW EXCLUSIVE MODE").run()
    }
}

/// Who may do what, as of one moment: see ``HubStore/accessSnapshot()``.
public struct AccessSnapshot: Sendable {
    /// Unrevoked keys' callers, by ``HubStore/hashSecret(_:)`` of the secret.
    public var callers: [String: Caller]
    /// Each organisation's collections and its access to each.
    public var memberships: [UUID: [UUID: CollectionAccess]]
    /// Collections of drills: they match only when a request names the drill.
    public var drillCollections: Set<UUID>

    public init(callers: [String: Caller] = [:], memberships: [UUID: [UUID: CollectionAccess]] = [:],
                drillCollections: Set<UUID> = []) {
        self.callers = callers
        self.memberships = memberships
        self.drillCollections = drillCollections
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
