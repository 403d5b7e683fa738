import CordonStore
import Logging
import ServiceLifecycle

/// Keeps one hub process in step with writes made through the others: on PostgreSQL it
/// listens for their notifications and catches up at once (well within a second; every
/// topic is re-read whenever listening starts, so nothing sent before is missed). A timer
/// also catches up with signals, a cheap query when nothing is new. Keys made by
/// `cordon admin` beside a server are found on first use (``AccessCache``).
struct HubSynchroniser: Service {
    let hub: Hub
    let logger: Logger
    var interval: Duration = .seconds(1)

    func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask {
                await hub.store.hub.followNotifications { topic in
                    await refresh(topic)
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    await refresh(.signals)
                }
            }
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }

    private func refresh(_ topic: HubTopic) async {
        do {
            switch topic {
            case .signals: try await hub.signalsChanged()
            case .access: try await hub.accessChanged()
            case .cases:
                hub.caseEvents.wake()
                hub.deliveries.wake()
            case .incidents:
                hub.incidentEvents.wake()
                hub.deliveries.wake()
            }
        } catch {
            logger.warning("could not catch up with \(topic.rawValue) changes: \(error)")
        }
    }
}
