import CordonServices
import Foundation
import Logging
import ServiceLifecycle

/// Copies the hub's campaign registry to the mirror at start and every minute, so its
/// matches offer the same "get help" campaigns as the hub's, offline too.
struct CampaignCopier: Service {
    let desk: MirrorDesk
    let upstream: UpstreamHub
    let logger: Logger
    var interval: Duration = .seconds(60)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await desk.services.replaceCampaigns(with: try await upstream.campaigns())
                } catch {
                    logger.warning("could not copy the hub's campaigns (the mirror offers what it has): \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
