import Foundation
import Logging
import ServiceLifecycle

/// Chains new audit entries twice a second and signs the chain's head every
/// ``HubConfiguration/auditCheckpointInterval`` (on every replica; the store lets one seal at a time).
struct AuditSealer: Service {
    let services: HubServices
    let logger: Logger
    var interval: Duration = .milliseconds(500)

    func run() async throws {
        let clock = ContinuousClock()
        var lastCheckpoint = clock.now - services.configuration.auditCheckpointInterval
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            do {
                if clock.now - lastCheckpoint >= services.configuration.auditCheckpointInterval {
                    try await services.checkpointAudit()
                    lastCheckpoint = clock.now
                } else {
                    try await services.sealAudit()
                }
            } catch {
                logger.warning("could not seal the audit log: \(error)")
            }
            try? await Task.sleep(for: interval)
        }
    }
}
