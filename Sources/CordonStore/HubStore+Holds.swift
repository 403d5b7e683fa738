import CordonDomain
import FluentKit
import SQLKit
import Foundation

extension HubStore {
    /// An authority's "do not refer" hold on a URL or a domain.
    public func placeHold(url: ContentURL?, domain: String?, reason: String, until: Date?, by caller: Caller,
                          now: Date) async throws -> HoldRecord {
        let record = HoldRecord()
        record.authorityID = caller.organisationID
        record.url = url?.normalised
        record.domain = domain
        record.reason = reason
        record.createdAt = now
        record.until = until
        try await hub.write([]) { db in
            try await record.create(on: db)
            try await Self.audit(caller, "hold.place", target: record.id!.uuidString,
                                 detail: ["url": record.url ?? "", "domain": domain ?? ""], on: db)
        }
        return record
    }

    /// Holds in force at `now`.
    public func activeHolds(now: Date) async throws -> [HoldRecord] {
        try await HoldRecord.query(on: db).filter(\.$liftedAt == nil).sort(\.$createdAt).all()
            .filter { $0.until.map { $0 > now } ?? true }
    }

    public func hold(_ id: UUID) async throws -> HoldRecord? {
        try await HoldRecord.find(id, on: db)
    }

    public func liftHold(_ id: UUID, by caller: Caller, now: Date) async throws {
        try await hub.write([]) { db in
            guard let record = try await HoldRecord.find(id, on: db), record.liftedAt == nil else {
                throw StoreError.notFound(field: "hold", message: "no hold \(id) in force")
            }
            guard record.authorityID == caller.organisationID else {
                throw StoreError.forbidden(field: "hold", message: "only the authority that placed a hold can lift it")
            }
            record.liftedAt = now
            try await record.save(on: db)
            try await Self.audit(caller, "hold.lift", target: id.uuidString, detail: [:], on: db)
        }
    }

    /// Cases covering `url` (any issuer, any state), newest first: what de-confliction sees.
    public func casesCovering(_ url: ContentURL) async throws -> [CaseRecord] {
        let ids = try await CaseURLRecord.query(on: db).filter(\.$url == url.normalised).all().map(\.caseID)
        return try await CaseRecord.query(on: db).filter(\.$id ~~ Set(ids)).sort(\.$receivedAt, .descending).all()
    }

    // MARK: Signing keys

    public func addSigningKey(publicKey: String, by caller: Caller, now: Date) async throws -> SigningKeyRecord {
        let record = SigningKeyRecord()
        record.organisationID = caller.organisationID
        record.publicKey = publicKey
        record.createdAt = now
        try await hub.write([]) { db in
            try await record.create(on: db)
            try await Self.audit(caller, "signing-key.add", target: record.id!.uuidString, detail: ["publicKey": publicKey], on: db)
        }
        return record
    }

    public func signingKey(_ id: UUID) async throws -> SigningKeyRecord? {
        try await SigningKeyRecord.find(id, on: db)
    }

    public func signingKeys(of organisation: UUID?) async throws -> [SigningKeyRecord] {
        let query = SigningKeyRecord.query(on: db)
        if let organisation { query.filter(\.$organisationID == organisation) }
        return try await query.sort(\.$createdAt).all()
    }

    public func revokeSigningKey(_ id: UUID, by caller: Caller, now: Date) async throws {
        try await hub.write([]) { db in
            guard let record = try await SigningKeyRecord.find(id, on: db) else {
                throw StoreError.notFound(field: "signing key", message: "no signing key \(id)")
            }
            record.revokedAt = record.revokedAt ?? now
            try await record.save(on: db)
            try await Self.audit(caller, "signing-key.revoke", target: id.uuidString, detail: [:], on: db)
        }
    }

    // MARK: Hub settings

    /// The stored value of a hub-wide setting, made by `make` the first time (by whichever
    /// replica gets there first; the others read it).
    public func setting(_ name: String, orCreate make: () -> String) async throws -> String {
        if let existing = try await HubSettingRecord.find(name, on: db) { return existing.value }
        let value = make()
        do {
            try await hub.write([]) { db in try await HubSettingRecord(name: name, value: value).create(on: db) }
            return value
        } catch {
            guard let existing = try await HubSettingRecord.find(name, on: db) else { throw error }
            return existing.value
        }
    }

    /// A hub-wide setting's value, or nil when none was stored.
    public func setting(_ name: String) async throws -> String? {
        try await HubSettingRecord.find(name, on: db)?.value
    }

    /// Replaces a setting with what `update` makes of its current value (nil: none), inside
    /// one write, so replicas updating it at once each see the other's value; a nil result
    /// removes it.
    public func updateSetting(_ name: String, _ update: @escaping @Sendable (String?) throws -> String?) async throws {
        let postgres = hub.isPostgres
        try await hub.write([]) { db in
            // One updater of a setting at a time across replicas: a row lock cannot guard a
            // setting not stored yet, and two replicas starting together both created it (the
            // second failed to start), or both read the old value and one's change was lost.
            if postgres { try await (db as! any SQLDatabase).raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "hub_settings:" + name)))").run() }
            let existing = try await HubSettingRecord.find(name, on: db)
            let next = try update(existing?.value)
            switch (existing, next) {
            case (let record?, let value?) where record.value != value:
                record.value = value
                try await record.save(on: db)
            case (let record?, nil): try await record.delete(on: db)
            case (nil, let value?): try await HubSettingRecord(name: name, value: value).create(on: db)
            default: break
            }
        }
    }
}
