import CordonDomain
import CordonOutbound
import CordonStore
import Foundation

/// Webhooks: an organisation's admin manages its own; the operator can revoke any.
extension HubServices {
    /// The event kinds a webhook may ask for.
    public static let webhookEvents = Set(CaseEventKind.allCases.map(\.rawValue) + IncidentEventKind.allCases.map(\.rawValue)
                                          + ReviewEventKind.allCases.map(\.rawValue))

    public func createWebhook(_ command: API.WebhookIn, by caller: Caller) async throws -> API.WebhookOut {
        try authorise(.createWebhook, caller)
        for (index, event) in (command.events ?? []).enumerated() where !Self.webhookEvents.contains(event) {
            throw ServiceError.invalid("events[\(index)]", "unknown event '\(event)'; known: \(Self.webhookEvents.sorted().joined(separator: ", "))")
        }
        if let refusal = await Self.refusal(of: command.url, policy: configuration.outboundPolicy) {
            throw ServiceError.invalid("url", refusal)
        }
        let secret = HubStore.newSecret(prefix: "whsec_", bytes: 24)
        let record = try await storeCall {
            try await store.createWebhook(url: command.url, events: command.events ?? [], secret: secret, by: caller, now: now())
        }
        return API.WebhookOut(record, showSecret: true)
    }

    /// Why the address policy refuses a webhook URL, if it does.
    private static func refusal(of url: String, policy: AddressPolicy) async -> String? {
        do {
            try await WebhookSender.validate(url, policy: policy)
            return nil
        } catch {
            return error.description
        }
    }

    public func webhooks(by caller: Caller) async throws -> [API.WebhookOut] {
        try authorise(.listWebhooks, caller)
        return try await store.webhooks(of: caller.organisationID).map { API.WebhookOut($0, showSecret: false) }
    }

    public func revokeWebhook(_ id: UUID, by caller: Caller) async throws {
        guard let hook = try await store.webhook(id), hook.revokedAt == nil else {
            throw ServiceError.notFound("webhook", "no webhook \(id) of your organisation")
        }
        try authorise(.revokeWebhook, caller, relation(caller, toOrganisation: hook.organisationID), field: "webhook",
                      notFound: "no webhook \(id) of your organisation")
        try await storeCall { try await store.revokeWebhook(id, by: caller, now: now()) }
    }

    /// Queues a test call to one of the caller's webhooks and wakes the sender; the
    /// delivery's state shows whether the receiver answered.
    public func testWebhook(_ id: UUID, by caller: Caller) async throws -> API.DeliveryOut {
        try await authoriseOwnWebhook(.testWebhook, id, caller)
        let delivery = try await storeCall { try await store.queueTestDelivery(to: id, by: caller, now: now()) }
        deliveries.wake()
        return API.DeliveryOut(delivery)
    }

    /// Sends a dead-lettered delivery again.
    public func retryDelivery(_ delivery: Int, of id: UUID, by caller: Caller) async throws -> API.DeliveryOut {
        try await authoriseOwnWebhook(.retryDelivery, id, caller)
        let record = try await storeCall { try await store.retryDelivery(delivery, of: id, by: caller, now: now()) }
        deliveries.wake()
        return API.DeliveryOut(record)
    }

    private func authoriseOwnWebhook(_ useCase: UseCase, _ id: UUID, _ caller: Caller) async throws {
        guard let hook = try await store.webhook(id), hook.revokedAt == nil else {
            throw ServiceError.notFound("webhook", "no webhook \(id) of your organisation")
        }
        try authorise(useCase, caller, relation(caller, toOrganisation: hook.organisationID), field: "webhook",
                      notFound: "no webhook \(id) of your organisation")
    }

    /// `state`: pending, delivered or dead (all when `nil`).
    public func deliveries(of id: UUID, state: String?, limit: Int, by caller: Caller) async throws -> [API.DeliveryOut] {
        let hook = try await store.webhook(id)
        try authorise(.readDeliveries, caller, hook.map { relation(caller, toOrganisation: $0.organisationID) } ?? .unrelated,
                      field: "webhook", notFound: "no webhook \(id) of your organisation")
        if let state, !["pending", "delivered", "dead"].contains(state) {
            throw ServiceError.invalid("state", "state must be pending, delivered or dead")
        }
        return try await store.deliveries(of: id, state: state, limit: limit).map { API.DeliveryOut($0) }
    }
}
