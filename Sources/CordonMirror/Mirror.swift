import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A small platform's copy of the hub's hash lists, in its own SQLite file: it follows
/// the hub's feed (``UpstreamFollower``) and answers the hub's `POST /v1/match` from
/// memory with its own keys, whether the hub is reachable or not.
public struct Mirror: Sendable {
    /// The local hub: the copy, its catalog, keys and matching.
    public let hub: Hub
    public let upstream: UpstreamHub
    /// The copied collections, by id.
    public let collections: [UUID: String]
    /// The platform that uses this mirror: its keys match here.
    public let platform: UUID
    public let state = MirrorState()
    /// Uploads, retro-matching and the review queue.
    public let desk: MirrorDesk

    /// Opens (or creates) the mirror in `folder`. `wanted` names collections by id or name
    /// (all the hub key may read when empty). The hub is asked which collections there
    /// are; when it cannot be reached, the mirror starts with the ones it has. On first
    /// start it makes the local platform and returns its admin key (shown once).
    public static func open(in folder: URL, upstream: UpstreamHub, wanted: [String], logger: Logger) async throws -> (Mirror, String?) {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let database = try await HubDatabase(.sqlite(path: folder.appendingPathComponent("mirror.sqlite").path), logger: logger)
        do {
            return try await open(HubStore(database), upstream: upstream, wanted: wanted, logger: logger)
        } catch {
            await database.close()
            throw error
        }
    }

    private static func open(_ store: HubStore, upstream: UpstreamHub, wanted: [String], logger: Logger) async throws -> (Mirror, String?) {
        // Which collections, before anything is made: a refusal leaves no key unshown.
        var chosen: [API.CollectionOut]?
        do {
            let offered = try await upstream.collections()
            let picked = wanted.isEmpty ? offered : offered.filter { wanted.contains($0.id.uuidString.lowercased()) || wanted.contains($0.name) }
            let missing = wanted.filter { name in !picked.contains { $0.id.uuidString.lowercased() == name || $0.name == name } }
            guard missing.isEmpty else {
                throw MirrorError("the hub offers no collection \(missing.joined(separator: ", ")) to this key; it offers \(offered.map(\.name).joined(separator: ", "))")
            }
            chosen = picked
        } catch let error as MirrorError {
            throw error
        } catch {
            guard try await !store.upstreamCursors().isEmpty else {
                throw MirrorError("cannot reach the hub at \(upstream.base) (\(error)), and there is no copy yet to start from")
            }
            logger.warning("cannot reach the hub (\(error)); starting from the copy, which follows the hub when it is back")
        }
        var newKey: String?
        let platform: UUID
        if let existing = try await store.organisations().first(where: { $0.kind == OrganisationKind.platform.rawValue }) {
            platform = existing.id!
        } else {
            let record = try await store.createOrganisation(name: "This platform", kind: .platform, by: nil)
            platform = record.id!
            newKey = try await store.createKey(organisationID: platform, role: .admin, label: "mirror", by: nil).1
        }
        let hub = try await Hub(store: store)
        var collections: [UUID: String] = [:]
        if let chosen {
            for collection in chosen {
                try await hub.services.adoptUpstream(collection, reader: platform)
                collections[collection.id] = collection.name
            }
        } else {
            for record in try await store.collections(ids: Set(try await store.upstreamCursors().keys)) { collections[record.id!] = record.name }
        }
        let desk = MirrorDesk(services: hub.services)
        try await desk.load()
        return (Mirror(hub: hub, upstream: upstream, collections: collections, platform: platform, desk: desk), newKey)
    }

    /// Serves local matching on `host:port` and follows the hub.
    public func application(host: String, port: Int, logger: Logger,
                            onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = hub.matchingRouter { v1 in
            v1.get("mirror/status") { _, context in
                _ = try context.requireCaller()
                return try await status()
            }
            addReviewRoutes(to: v1)
        }
        let follower = UpstreamFollower(desk: desk, upstream: upstream, collections: Array(collections.keys),
                                        state: state, logger: logger)
        return hub.application(host: host, port: port, logger: logger, router: router, services: [follower],
                               onServerRunning: onServerRunning)
    }

    /// Where the copy stands: each collection's cursor, and whether its live feed is open.
    public func status() async throws -> MirrorStatus {
        let cursors = try await hub.services.upstreamCursors()
        let live = state.snapshot
        var out: [MirrorStatus.Collection] = []
        for (id, name) in collections.sorted(by: { $0.value < $1.value }) {
            out.append(.init(id: id, name: name, cursor: cursors[id] ?? 0, changes: try await hub.services.upstreamChangeCount(in: id),
                             following: live[id]?.connected ?? false, lastChangeAt: live[id]?.lastChangeAt))
        }
        return MirrorStatus(hub: upstream.base, matchable: hub.matchableCount, collections: out)
    }
}

/// `GET /v1/mirror/status`.
public struct MirrorStatus: Codable, Sendable, ResponseEncodable {
    public struct Collection: Codable, Sendable {
        public var id: UUID
        public var name: String
        /// The hub's feed cursor the copy has reached.
        public var cursor: Int
        /// Upstream changes applied, one each.
        public var changes: Int
        /// Whether the live feed is open now.
        public var following: Bool
        public var lastChangeAt: Date?
    }
    public var hub: String
    public var matchable: Int
    public var collections: [Collection]
}

/// Why the mirror cannot start, and what to do.
public struct MirrorError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
