import CordonStore
import Foundation
import Logging
import ServiceLifecycle

/// Keeps one hub process in step with writes made through the others: on PostgreSQL it
/// listens for their notifications and catches up at once (well within a second; every
/// topic is re-read whenever listening starts, so nothing sent before is missed). A timer
/// also catches up with signals and reloads keys and memberships (cheap: small tables), and
/// lets the match index fold in what a burst of writes left pending. Keys made by
/// `cordon admin` beside a server are found on first use (``AccessCache``).
struct HubSynchroniser: Service {
    let services: HubServices
    let logger: Logger
    var interval: Duration = .seconds(1)

    func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask {
                await services.store.hub.followNotifications { topic in
                    await refresh(topic)
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    // Access too: a lost notification must not leave a revoked key working.
                    await refresh(.signals)
                    await refresh(.access)
                    services.catalog.compactWhenIdle()
                }
            }
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }

    private func refresh(_ topic: HubTopic) async {
        do {
            switch topic {
            case .signals: try await services.signalsChanged()
            case .access: try await services.accessChanged()
            case .cases: services.casesChanged()
            case .incidents: services.incidentsChanged()
            }
        } catch {
            logger.warning("could not catch up with \(topic.rawValue) changes: \(error)")
        }
    }
}
