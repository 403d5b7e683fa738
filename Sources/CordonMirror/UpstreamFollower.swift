import CordonServices
import CordonStore
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
                var position = try await desk.services.upstreamPositions()[collection] ?? .init(cursor: 0)
                if let after = position.snapshotAfter {
                    try await copy(collection, after: after)
                    position = try await desk.services.upstreamPositions()[collection] ?? .init(cursor: 0)
                    state.reached(collection, position.cursor)
                }
                var cursor = position.cursor
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

    /// The first copy of `collection`, from the signal after `after`: the hub's signals as
    /// they are, page by page (the next fetched while one is stored), each page with its
    /// progress in one transaction. A hub without snapshots (older than this mirror) is
    /// followed change by change from the start instead.
    private func copy(_ collection: UUID, after start: Int) async throws {
        var after = start
        var page: API.SignalSnapshot
        do {
            page = try await upstream.snapshot(of: collection, after: after, limit: pageSize)
        } catch let error as UpstreamError where error.status == 404 && start == 0 {
            logger.notice("collection \(collection): the hub gives no snapshot (\(error)); copying its feed change by change")
            try await desk.services.abandonUpstreamSnapshot(of: collection)
            return
        }
        while true {
            let (next, complete) = (page.next, page.complete)
            async let following: API.SignalSnapshot? = complete ? nil : try await upstream.snapshot(of: collection, after: next, limit: pageSize)
            try await desk.apply(page, after: after, in: collection)
            after = next
            state.copied(collection)
            guard let more = try await following else { return }
            page = more
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
        collections.withLock {
            $0[collection, default: .init(cursor: 0, connected: false)].cursor = cursor
            $0[collection]?.lastChangeAt = Date()
        }
    }

    /// A page of the first copy is in (its progress is in the store).
    func copied(_ collection: UUID) {
        collections.withLock { $0[collection, default: .init(cursor: 0, connected: false)].lastChangeAt = Date() }
    }

    func connected(_ collection: UUID, _ connected: Bool) {
        collections.withLock { $0[collection, default: .init(cursor: 0, connected: false)].connected = connected }
    }

    public var snapshot: [UUID: Collection] { collections.withLock { $0 } }
}
