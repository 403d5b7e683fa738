import AsyncHTTPClient
import CordonDomain
import CordonOutbound
import CordonStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The hub's background work, on every replica: deadline alerts, webhook deliveries of
/// case and incident events (retried with backoff, then dead-lettered), removal checks and
/// the purge of expired preserved records. Each tick reads the hub's clock, so a test that moves the
/// clock sees the alert within a tick. Work is claimed in the database, so replicas
/// never do the same job twice.
struct DeskWorker: Service {
    let services: HubServices
    let logger: Logger
    /// Delays between delivery attempts; after the last, a delivery is dead-lettered.
    static let retryDelays: [TimeInterval] = [1, 5, 30, 120, 600, 3600]

    func run() async throws {
        let clients = PinnedClients()
        let checker = URLChecker(clients: clients, policy: services.configuration.outboundPolicy)
        let sender = WebhookSender(clients: clients, policy: services.configuration.outboundPolicy)
        await withDiscardingTaskGroup { group in
            group.addTask { await loop(every: services.configuration.deskTick) { try await alerts() } }
            group.addTask { await deliveries(sender) }
            group.addTask { await loop(every: services.configuration.deskTick) { services.deliveries.wake() } }
            group.addTask { await loop(every: .seconds(1)) { try await checks(checker) } }
            group.addTask {
                await loop(every: .seconds(60)) {
                    let now = services.now()
                    try await services.store.purgeExpiredPreservations(now: now)
                    try await services.store.emptyDeliveredBodies(
                        deliveredBefore: now.addingTimeInterval(-services.configuration.desk.deliveredBodyRetention))
                }
            }
            // Review-by dates are days apart: a look every half minute is soon enough.
            group.addTask { await loop(every: .seconds(30)) { try await services.sweepDueReviews() } }
            group.addTask {
                // Live streams look once a second even when no one woke them.
                await loop(every: .seconds(1)) {
                    services.caseEvents.wake()
                    services.incidentEvents.wake()
                }
            }
            try? await gracefulShutdown()
            group.cancelAll()
        }
        await clients.shutdown()
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
        let sent = try await services.store.fireDueAlerts(now: services.now(), rules: services.configuration.desk)
        if sent > 0 {
            services.metrics.sent(alerts: sent)
            services.casesChanged()
        }
    }

    /// Sends webhook calls: on every wake (a queued delivery, here or on another replica,
    /// or the tick for retries) claims what is due and sends each in its own task, so a
    /// receiver that never answers holds up only its own calls (until the sender's
    /// timeout). Outcomes are recorded in batches as they come in.
    private func deliveries(_ sender: WebhookSender) async {
        let finished = Finished()
        let (arrivals, arrival) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await _ in arrivals {
                    // Whatever else arrives meanwhile goes in the same write.
                    try? await Task.sleep(for: .milliseconds(20))
                    let batch = finished.attempts.withLock { batch in defer { batch.removeAll() }; return batch }
                    do { try await services.store.recordDeliveries(batch, now: services.now()) } catch {
                        logger.warning("could not record \(batch.count) webhook deliveries: \(error)")
                    }
                }
            }
            for await _ in services.deliveries.subscribe() {
                do {
                    while true {
                        let due = try await services.store.claimDueDeliveries(now: services.now(), lease: 60, limit: 500)
                        for (delivery, hook) in due {
                            group.addTask {
                                let error = await sender.send(to: hook.url, body: delivery.body, secret: hook.secret,
                                                              event: delivery.eventKind, delivery: delivery.id!, now: Date())
                                let attempt = delivery.attempts
                                let retryAt = attempt < Self.retryDelays.count ? services.now().addingTimeInterval(Self.retryDelays[attempt]) : nil
                                finished.attempts.withLock { $0.append(.init(id: delivery.id!, error: error, retryAt: retryAt)) }
                                arrival.yield()
                            }
                        }
                        if due.count < 500 { break }
                    }
                } catch {
                    logger.warning("desk worker: \(error)")
                }
            }
            arrival.finish()
        }
    }

    private func checks(_ checker: URLChecker) async throws {
        let due = try await services.store.claimDueChecks(now: services.now(), lease: 300, limit: 20)
        await withDiscardingTaskGroup { group in
            for url in due {
                group.addTask {
                    let result = await checker.check(url.url)
                    let outcome = HubStore.CheckOutcome(rawValue: result.outcome.rawValue) ?? .error
                    do {
                        try await services.store.recordCheck(url, outcome: outcome, statusCode: result.statusCode, detail: result.detail,
                                                        now: services.now(), rules: services.configuration.desk)
                    } catch {
                        logger.warning("could not record the check of \(url.url): \(error)")
                    }
                }
            }
        }
        if !due.isEmpty { services.casesChanged() }
    }
}

/// Delivery outcomes waiting to be recorded.
private final class Finished: Sendable {
    let attempts = Mutex<[HubStore.DeliveryAttempt]>([])
}
