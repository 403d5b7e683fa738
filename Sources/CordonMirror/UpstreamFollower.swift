import CordonServices
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps the mirror's copy equal to the hub's: for each collection, catches up with feed
/// pages from the stored cursor, then follows the live feed; after a break (the hub gone,
/// the network down) waits and does it again from the stored cursor. Every page is applied
/// with its cursor in one transaction, so a crash at any moment loses or repeats nothing.
/// Matching goes on from memory meanwhile.
public struct UpstreamFollower: Service {
    let desk: MirrorDesk
    let upstream: UpstreamHub
    let collections: [UUID]
    let logger: Logger
    let state: MirrorState
    /// Changes per catch-up page (the hub allows up to 10,000).
    var pageSize = 10_000

    public init(desk: MirrorDesk, upstream: UpstreamHub, collections: [UUID], state: MirrorState, logger: Logger) {
        self.desk = desk
        self.upstream = upstream
        self.collections = collections
        self.state = state
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for collection in collections {
                    group.addTask { await follow(collection) }
                }
            }
        }
    }

    private func follow(_ collection: UUID) async {
        var delay = Duration.seconds(1)
        while !Task.isCancelled {
            do {
                var cursor = try await desk.services.upstreamCursors()[collection] ?? 0
                // Catch up page by page, the hub writing the next while this one is applied:
                // memory stays at two pages, whatever the backlog.
                var page = try await upstream.feed(of: collection, since: cursor, limit: pageSize)
                while !page.changes.isEmpty {
                    let next = page.next
                    async let following = upstream.feed(of: collection, since: next, limit: pageSize)
                    try await desk.apply(page.changes, in: collection)
                    cursor = next
                    state.reached(collection, cursor)
                    page = try await following
                }
                state.connected(collection, true)
                delay = .seconds(1)
                try await upstream.follow(collection, since: cursor) { changes in
                    try await desk.apply(changes, in: collection)
                    if let last = changes.last?.cursor { state.reached(collection, last) }
                }
                state.connected(collection, false)
            } catch {
                state.connected(collection, false)
                if Task.isCancelled { return }
                logger.warning("collection \(collection): \(error); matching goes on from the copy, trying the hub again in \(delay)")
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            }
        }
    }
}

/// What the mirror knows about its link to the hub, for its status answer.
public final class MirrorState: Sendable {
    public struct Collection: Sendable, Codable {
        public var cursor: Int
        public var connected: Bool
        public var lastChangeAt: Date?
    }

    private let collections = Mutex<[UUID: Collection]>([:])

    public init() {}

    func reached(_ collection: UUID, _ cursor: Int) {
        collections.withLock { $0[collection, default: .init(cursor: 0, connected: false)].cursor = cursor; $0[collection]?.lastChangeAt = Date() }
    }

    func connected(_ collection: UUID, _ connected: Bool) {
        collections.withLock { $0[collection, default: .init(cursor: 0, connected: false)].connected = connected }
    }

    public var snapshot: [UUID: Collection] { collections.withLock { $0 } }
}
