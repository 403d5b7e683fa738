import CordonStore
import Logging
import ServiceLifecycle

/// Keeps one hub process in step with writes made through the others: on PostgreSQL it
/// listens for their notifications and catches up at once (well within a second); on a
/// timer it catches up anyway (signals and access), which also covers a notification lost
/// while reconnecting and, on SQLite, a `cordon admin` run beside the server.
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
                    for topic in HubTopic.allCases { await refresh(topic) }
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
            }
        } catch {
            logger.warning("could not catch up with \(topic.rawValue) changes: \(error)")
        }
    }
}
