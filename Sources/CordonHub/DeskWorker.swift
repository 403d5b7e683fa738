import AsyncHTTPClient
import CordonDomain
import CordonOutbound
import CordonStore
import Foundation
import Logging
import ServiceLifecycle

/// The referral desk's background work, on every replica: deadline alerts, webhook
/// deliveries (retried with backoff, then dead-lettered), removal checks and the purge of
/// expired preserved records. Each tick reads the hub's clock, so a test that moves the
/// clock sees the alert within a tick. Work is claimed in the database, so replicas
/// never do the same job twice.
struct DeskWorker: Service {
    let hub: Hub
    let logger: Logger
    /// Delays between delivery attempts; after the last, a delivery is dead-lettered.
    static let retryDelays: [TimeInterval] = [1, 5, 30, 120, 600, 3600]

    func run() async throws {
        let client = URLChecker.makeClient()
        let checker = URLChecker(client: client, policy: hub.configuration.outboundPolicy)
        let sender = WebhookSender(client: client, policy: hub.configuration.outboundPolicy)
        await withDiscardingTaskGroup { group in
            group.addTask { await loop(every: hub.configuration.deskTick) { try await alerts() } }
            group.addTask { await loop(every: hub.configuration.deskTick) { try await deliveries(sender) } }
            group.addTask { await loop(every: .seconds(1)) { try await checks(checker) } }
            group.addTask { await loop(every: .seconds(60)) { try await hub.store.purgeExpiredPreservations(now: hub.now()) } }
            group.addTask { await loop(every: .seconds(1)) { hub.caseEvents.wake() } }
            try? await gracefulShutdown()
            group.cancelAll()
        }
        try? await client.shutdown()
    }

    private func loop(every interval: Duration, _ body: @Sendable () async throws -> Void) async {
        while !Task.isCancelled {
            do {
                try await body()
            } catch {
                logger.warning("desk worker: \(error)")
            }
            try? await Task.sleep(for: interval)
        }
    }

    private func alerts() async throws {
        if try await hub.store.fireDueAlerts(now: hub.now(), rules: hub.configuration.desk) > 0 {
            hub.caseEvents.wake()
        }
    }

    private func deliveries(_ sender: WebhookSender) async throws {
        let now = hub.now()
        let due = try await hub.store.claimDueDeliveries(now: now, lease: 60, limit: 100)
        await withDiscardingTaskGroup { group in
            for (delivery, hook) in due {
                group.addTask {
                    let error = await sender.send(to: hook.url, body: delivery.body, secret: hook.secret, event: delivery.eventKind,
                                                  delivery: delivery.id!, now: Date())
                    let attempt = delivery.attempts
                    let retryAt = attempt < Self.retryDelays.count ? hub.now().addingTimeInterval(Self.retryDelays[attempt]) : nil
                    do {
                        try await hub.store.recordDelivery(delivery.id!, delivered: error == nil, error: error, retryAt: retryAt, now: hub.now())
                    } catch {
                        logger.warning("could not record webhook delivery \(delivery.id!): \(error)")
                    }
                }
            }
        }
    }

    private func checks(_ checker: URLChecker) async throws {
        let due = try await hub.store.claimDueChecks(now: hub.now(), lease: 300, limit: 20)
        await withDiscardingTaskGroup { group in
            for url in due {
                group.addTask {
                    let result = await checker.check(url.url)
                    let outcome = HubStore.CheckOutcome(rawValue: result.outcome.rawValue) ?? .error
                    do {
                        try await hub.store.recordCheck(url, outcome: outcome, statusCode: result.statusCode, detail: result.detail,
                                                        now: hub.now(), rules: hub.configuration.desk)
                    } catch {
                        logger.warning("could not record the check of \(url.url): \(error)")
                    }
                }
            }
        }
        if !due.isEmpty { hub.caseEvents.wake() }
    }
}
