import CordonServices
import CordonStore
import Foundation
import Logging
import ServiceLifecycle

/// Publishes moderators' decisions once their undo window has passed (the `decision`
/// event, its signed webhook deliveries, the hub's feedback), every half second, and once
/// a minute forgets the uploads past their retention. The deliveries are sent by the
/// hub's webhook sender, which retries them across restarts.
struct ReviewPublisher: Service {
    let desk: MirrorDesk
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var tick = 0
            while !Task.isCancelled {
                do {
                    _ = try await desk.publishDue()
                    tick += 1
                    if tick % 120 == 0 { try await desk.purgeExpired() }
                } catch {
                    logger.warning("could not publish decisions or forget expired uploads: \(error)")
                }
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }
}

/// Sends the feedback decisions queued for the hub (opt-in collections only), oldest
/// first; while the hub is unreachable it waits and tries again. A refusal (the hub's key
/// may not give feedback, the signal is gone) is recorded and not tried again.
struct FeedbackSender: Service {
    let desk: MirrorDesk
    let upstream: UpstreamHub
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await sendPending()
                } catch {
                    logger.warning("could not read the feedback queue: \(error)")
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func sendPending() async throws {
        let store = desk.services.store
        for item in try await store.upstreamFeedback(state: "pending", limit: 100) {
            do {
                try await upstream.giveFeedback(item.kind, on: item.signalID, distance: item.distance)
                try await store.recordFeedbackAttempt(item.id, sent: true, refused: false, error: nil, now: Date())
            } catch let error as UpstreamError where (400..<500).contains(error.status) && error.status != 429 {
                logger.warning("the hub refused feedback on signal \(item.signalID): \(error)")
                try await store.recordFeedbackAttempt(item.id, sent: false, refused: true, error: error.description, now: Date())
            } catch {
                try await store.recordFeedbackAttempt(item.id, sent: false, refused: false, error: "\(error)", now: Date())
                return
            }
        }
    }
}
