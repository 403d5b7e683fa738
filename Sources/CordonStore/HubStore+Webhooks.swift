import CordonDomain
import FluentKit
import Foundation
import SQLKit

extension HubStore {
    public func createWebhook(url: String, events: [String], secret: String, by caller: Caller, now: Date) async throws -> WebhookRecord {
        let record = WebhookRecord()
        record.organisationID = caller.organisationID
        record.url = url
        record.secret = secret
        record.events = Self.json(events)
        record.createdAt = now
        try await hub.write([]) { db in
            try await record.create(on: db)
            try await Self.audit(caller, "webhook.create", target: record.id!.uuidString, detail: ["url": url], on: db)
        }
        return record
    }

    public func webhook(_ id: UUID) async throws -> WebhookRecord? {
        try await WebhookRecord.find(id, on: db)
    }

    public func webhooks(of organisation: UUID) async throws -> [WebhookRecord] {
        try await WebhookRecord.query(on: db).filter(\.$organisationID == organisation).filter(\.$revokedAt == nil)
            .sort(\.$createdAt).all()
    }

    public func revokeWebhook(_ id: UUID, by caller: Caller, now: Date) async throws {
        try await hub.write([]) { db in
            guard let record = try await WebhookRecord.find(id, on: db), record.revokedAt == nil
            else { throw StoreError.notFound(field: "webhook", message: "no webhook \(id)") }
            record.revokedAt = now
            try await record.save(on: db)
            try await Self.audit(caller, "webhook.revoke", target: id.uuidString, detail: [:], on: db)
        }
    }

    /// Queues `event` for every webhook of the organisations it concerns that wants its kind.
    static func queueDeliveries(of event: CaseEventRecord, on db: any Database) async throws {
        let parties = [event.issuerID, event.platformID] + (event.scrutinyAuthorityID.map { [$0] } ?? [])
        let hooks = try await WebhookRecord.query(on: db).filter(\.$organisationID ~~ parties).filter(\.$revokedAt == nil).all()
        try await queue(json(WebhookPayload(event)), kind: event.kind, eventID: event.id!, at: event.at, to: hooks, on: db)
    }

    /// One pending delivery of `body` per webhook that wants `kind`, in one insert.
    static func queue(_ body: String, kind: String, eventID: Int, at: Date, to hooks: [WebhookRecord], on db: any Database) async throws {
        let deliveries = hooks.filter { hook in
            let wanted = Self.decode(hook.events, as: [String].self) ?? []
            return wanted.isEmpty || wanted.contains(kind)
        }.map { hook in
            let delivery = WebhookDeliveryRecord()
            delivery.webhookID = hook.id!
            delivery.eventID = eventID
            delivery.eventKind = kind
            delivery.body = body
            delivery.state = "pending"
            delivery.attempts = 0
            delivery.nextAttemptAt = at
            return delivery
        }
        guard !deliveries.isEmpty else { return }
        try await deliveries.create(on: db)
    }

    /// Claims up to `limit` deliveries due by `now` for `lease` (no other replica sends
    /// them meanwhile), with their webhooks.
    public func claimDueDeliveries(now: Date, lease: TimeInterval, limit: Int) async throws -> [(WebhookDeliveryRecord, WebhookRecord)] {
        let due = try await WebhookDeliveryRecord.query(on: db).filter(\.$state == "pending")
            .filter(\.$nextAttemptAt <= now).sort(\.$nextAttemptAt).limit(limit).all()
        guard !due.isEmpty else { return [] }
        let rows = try await hub.write([]) { db in
            try await (db as! any SQLDatabase).update(WebhookDeliveryRecord.schema)
                .set("next_attempt_at", to: now.addingTimeInterval(lease))
                .where("id", .in, due.map { $0.id! }).where("state", .equal, "pending")
                .where("next_attempt_at", .lessThanOrEqual, now)
                .returning("id").all()
        }
        let ids = Set(try rows.map { try $0.decode(column: "id", as: Int.self) })
        let claimed = due.filter { ids.contains($0.id!) }
        // A revoked webhook, or one of a suspended organisation, is sent nothing more.
        let suspended = Set(try await OrganisationRecord.query(on: db).filter(\.$suspendedAt != nil).all().compactMap(\.id))
        let hooks = Dictionary(uniqueKeysWithValues: try await WebhookRecord.query(on: db)
            .filter(\.$id ~~ Set(claimed.map(\.webhookID))).filter(\.$revokedAt == nil).all()
            .filter { !suspended.contains($0.organisationID) }.map { ($0.id!, $0) })
        let bodies = try await Self.incidentBodies(for: claimed, on: db)
        return claimed.compactMap { delivery in
            if delivery.body.isEmpty, let body = bodies[delivery.eventID] { delivery.body = body }
            return hooks[delivery.webhookID].map { (delivery, $0) }
        }
    }

    /// One attempt at a delivery: delivered, or failed with an error and retried at
    /// `retryAt` (dead-lettered when that is nil).
    public struct DeliveryAttempt: Sendable {
        public var id: Int
        public var error: String?
        public var retryAt: Date?

        public init(id: Int, error: String?, retryAt: Date?) {
            self.id = id
            self.error = error
            self.retryAt = retryAt
        }
    }

    /// Records attempts: the delivered ones in one statement, each failure by itself.
    public func recordDeliveries(_ attempts: [DeliveryAttempt], now: Date) async throws {
        guard !attempts.isEmpty else { return }
        try await hub.write([]) { db in
            let sql = db as! any SQLDatabase
            let delivered = attempts.filter { $0.error == nil }.map(\.id)
            if !delivered.isEmpty {
                try await sql.update(WebhookDeliveryRecord.schema)
                    .set("state", to: "delivered").set("delivered_at", to: now)
                    .set(SQLColumn("attempts"), to: SQLBinaryExpression(SQLColumn("attempts"), .add, SQLLiteral.numeric("1")))
                    .set("last_error", to: SQLLiteral.null)
                    .where("id", .in, delivered).run()
            }
            for failed in attempts where failed.error != nil {
                try await sql.update(WebhookDeliveryRecord.schema)
                    .set("state", to: failed.retryAt == nil ? "dead" : "pending")
                    .set("next_attempt_at", to: failed.retryAt ?? now)
                    .set(SQLColumn("attempts"), to: SQLBinaryExpression(SQLColumn("attempts"), .add, SQLLiteral.numeric("1")))
                    .set("last_error", to: failed.error)
                    .where("id", .equal, failed.id).run()
            }
        }
    }

    /// A webhook's deliveries in one state (`dead` is the dead-letter list), newest first.
    /// Empties the bodies of deliveries delivered before `cutoff`: copies of case and
    /// incident events, personal data among them, are not kept for ever. Returns how many.
    @discardableResult
    public func emptyDeliveredBodies(deliveredBefore cutoff: Date) async throws -> Int {
        try await hub.write([]) { db in
            try await (db as! any SQLDatabase).update(WebhookDeliveryRecord.schema)
                .set("body", to: "")
                .where("state", .equal, "delivered").where("delivered_at", .lessThan, cutoff).where("body", .notEqual, "")
                .returning("id").all().count
        }
    }

    /// Deliveries waiting to be sent (or sent again): the outbox's depth.
    public func pendingDeliveries() async throws -> Int {
        try await WebhookDeliveryRecord.query(on: db).filter(\.$state == "pending").count()
    }

    public func deliveries(of webhook: UUID, state: String?, limit: Int) async throws -> [WebhookDeliveryRecord] {
        let query = WebhookDeliveryRecord.query(on: db).filter(\.$webhookID == webhook)
        if let state { query.filter(\.$state == state) }
        return try await query.sort(\.$id, .descending).limit(limit).all()
    }

    /// Queues a test call to `webhook` (event `webhook.test`, event id 0, a body that says
    /// it is a test), sent, signed and retried like any other delivery.
    public func queueTestDelivery(to webhook: UUID, by caller: Caller, now: Date) async throws -> WebhookDeliveryRecord {
        try await hub.write([]) { db in
            guard let hook = try await WebhookRecord.find(webhook, on: db), hook.revokedAt == nil else {
                throw StoreError.notFound(field: "webhook", message: "no webhook \(webhook)")
            }
            let body = Self.json(WebhookTestPayload(webhook: webhook, at: Self.iso(now)))
            let delivery = WebhookDeliveryRecord()
            delivery.webhookID = webhook
            delivery.eventID = 0
            delivery.eventKind = WebhookTestPayload.event
            delivery.body = body
            delivery.state = "pending"
            delivery.attempts = 0
            delivery.nextAttemptAt = now
            try await delivery.create(on: db)
            try await Self.audit(caller, "webhook.test", target: webhook.uuidString, detail: ["delivery": String(delivery.id!)], on: db)
            return delivery
        }
    }

    /// Puts a dead delivery back in the queue, its attempts counted from zero again.
    public func retryDelivery(_ id: Int, of webhook: UUID, by caller: Caller, now: Date) async throws -> WebhookDeliveryRecord {
        try await hub.write([]) { db in
            guard let delivery = try await WebhookDeliveryRecord.find(id, on: db), delivery.webhookID == webhook else {
                throw StoreError.notFound(field: "delivery", message: "no delivery \(id) of webhook \(webhook)")
            }
            guard delivery.state == "dead" else {
                throw StoreError.conflict(field: "delivery", message: "delivery \(id) is \(delivery.state); only a dead delivery is retried")
            }
            delivery.state = "pending"
            delivery.attempts = 0
            delivery.nextAttemptAt = now
            try await delivery.save(on: db)
            try await Self.audit(caller, "webhook.retry", target: webhook.uuidString, detail: ["delivery": String(id)], on: db)
            return delivery
        }
    }
}

/// The body of a test call: says what it is, so a receiver can tell it from a real event.
public struct WebhookTestPayload: Codable, Sendable {
    public static let event = "webhook.test"
    public var id = 0
    public var event = Self.event
    public var webhook: UUID
    public var at: String
    public var detail = ["note": "a test call from Cordon; no case or incident changed"]
}

/// The JSON body of a webhook call.
public struct WebhookPayload: Codable, Sendable {
    public var id: Int
    public var event: String
    public var caseID: UUID
    public var at: String
    public var detail: [String: String]

    init(_ event: CaseEventRecord) {
        id = event.id!
        self.event = event.kind
        caseID = event.caseID
        at = HubStore.iso(event.at)
        detail = HubStore.decode(event.detail, as: [String: String].self) ?? [:]
    }
}
