import Logging
import ServiceLifecycle

/// Adds the in-memory match counts to the store every few seconds, and once more on shutdown.
struct MatchCountKeeper: Service {
    let services: HubServices
    let logger: Logger
    var interval: Duration = .seconds(2)

    func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: interval)
            await store()
        }
        await store()
    }

    private func store() async {
        do {
            try await services.storeMatchCounts()
        } catch {
            logger.warning("could not store match counts (kept for the next try): \(error)")
        }
    }
}
