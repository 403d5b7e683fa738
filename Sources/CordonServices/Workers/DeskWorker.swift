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
    /// Removal checks in flight at once on a replica.
    static let checksInFlight = 20
    /// Webhook calls in flight at once on a replica; past it, claiming waits for the next wake.
    static let deliveriesInFlight = 500

    func run() async throws {
        let clients = PinnedClients()
        let checker = URLChecker(clients: clients, policy: services.configuration.outboundPolicy)
        let sender = WebhookSender(clients: clients, policy: services.configuration.outboundPolicy)
        await withDiscardingTaskGroup { group in
            group.addTask { await loop(every: services.configuration.deskTick) { try await alerts() } }
            group.addTask { await deliveries(sender) }
            group.addTask { await loop(every: services.configuration.deskTick) { services.deliveries.wake() } }
            group.addTask { await checks(checker) }
            group.addTask {
                await loop(every: .seconds(60)) {
                    let now = services.now()
                    try await services.purgeExpiredPreservations()
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
        let sending = InFlight()
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
                    while case let room = Self.deliveriesInFlight - sending.count.load(ordering: .relaxed), room > 0 {
                        let due = try await services.store.claimDueDeliveries(now: services.now(), lease: 60, limit: room)
                        for (delivery, hook) in due {
                            sending.count.add(1, ordering: .relaxed)
                            group.addTask {
                                defer { sending.count.subtract(1, ordering: .relaxed) }
                                let error = await sender.send(to: hook.url, body: delivery.body, secret: hook.secret,
                                                              event: delivery.eventKind, delivery: delivery.id!, now: Date())
                                let attempt = delivery.attempts
                                let retryAt = attempt < Self.retryDelays.count ? services.now().addingTimeInterval(Self.retryDelays[attempt]) : nil
                                finished.attempts.withLock { $0.append(.init(id: delivery.id!, error: error, retryAt: retryAt)) }
                                arrival.yield()
                            }
                        }
                        if due.count < room { break }
                    }
                } catch {
                    logger.warning("desk worker: \(error)")
                }
            }
            arrival.finish()
        }
    }

    /// Removal checks, as a sliding window: each second claims as many due URLs as there
    /// are free places, so a host that answers slowly (up to the checker's 30-s deadline)
    /// holds one place, not the next claim of every other URL.
    private func checks(_ checker: URLChecker) async {
        let checking = InFlight()
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let room = Self.checksInFlight - checking.count.load(ordering: .relaxed)
                do {
                    let due = room > 0 ? try await services.store.claimDueChecks(now: services.now(), lease: 300, limit: room) : []
                    for url in due {
                        checking.count.add(1, ordering: .relaxed)
                        group.addTask {
                            defer { checking.count.subtract(1, ordering: .relaxed) }
                            let result = await checker.check(url.url)
                            let outcome = HubStore.CheckOutcome(rawValue: result.outcome.rawValue) ?? .error
                            do {
                                try await services.store.recordCheck(url, outcome: outcome, statusCode: result.statusCode, detail: result.detail,
                                                                     now: services.now(), rules: services.configuration.desk)
                                services.casesChanged()
                            } catch {
                                logger.warning("could not record the check of \(url.url): \(error)")
                            }
                        }
                    }
                } catch {
                    logger.warning("desk worker: \(error)")
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}

/// Delivery outcomes waiting to be recorded.
private final class Finished: Sendable {
    let attempts = Mutex<[HubStore.DeliveryAttempt]>([])
}

/// Jobs of one kind in flight, shared with the tasks doing them.
private final class InFlight: Sendable {
    let count = Atomic(0)
}
