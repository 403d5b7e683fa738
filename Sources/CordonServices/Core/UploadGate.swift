import Foundation
import Synchronization

/// How many uploads each organisation has decoding, and who waits: a few run at once per
/// organisation, a few more queue, the rest are refused at once (429), so one member's
/// burst of videos cannot take every core from matching and from the other members.
final class UploadGate: Sendable {
    private let concurrent: Int
    private let queued: Int
    private let state = Mutex<[UUID: Lane]>([:])

    private enum Entry { case now, wait, refuse }

    private struct Lane {
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    init(concurrent: Int, queued: Int) {
        self.concurrent = max(1, concurrent)
        self.queued = max(0, queued)
    }

    /// Runs `body` when the organisation has a free decoding slot; refuses when its queue is full.
    func run<T: Sendable>(for organisation: UUID, _ body: @Sendable () async throws -> T) async throws -> T {
        let entry: Entry = state.withLock { lanes in
            var lane = lanes[organisation, default: Lane()]
            defer { lanes[organisation] = lane }
            if lane.running < concurrent {
                lane.running += 1
                return .now
            }
            return lane.waiting.count < queued ? .wait : .refuse
        }
        switch entry {
        case .refuse:
            throw ServiceError(.busy, field: "body",
                               message: "your organisation has \(concurrent) uploads decoding and \(queued) waiting; send this one when one has finished")
        case .wait:
            await withCheckedContinuation { continuation in
                let started = state.withLock { lanes -> Bool in
                    // A slot may have come free since the first look.
                    if lanes[organisation, default: Lane()].running < concurrent {
                        lanes[organisation, default: Lane()].running += 1
                        return true
                    }
                    lanes[organisation, default: Lane()].waiting.append(continuation)
                    return false
                }
                if started { continuation.resume() }
            }
        case .now:
            break
        }
        defer { leave(organisation) }
        return try await body()
    }

    /// How many of the organisation's uploads are decoding and how many wait.
    func load(of organisation: UUID) -> (running: Int, waiting: Int) {
        state.withLock { lanes in lanes[organisation].map { ($0.running, $0.waiting.count) } ?? (0, 0) }
    }

    /// Hands the slot to the next waiter, or frees it.
    private func leave(_ organisation: UUID) {
        let next = state.withLock { lanes -> CheckedContinuation<Void, Never>? in
            guard var lane = lanes[organisation] else { return nil }
            defer { lanes[organisation] = lane.running == 0 && lane.waiting.isEmpty ? nil : lane }
            if lane.waiting.isEmpty {
                lane.running -= 1
                return nil
            }
            return lane.waiting.removeFirst()
        }
        next?.resume()
    }
}
