import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import CordonOutbound
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

    /// How the review desk is set up, as named on the command line.
    public struct Settings: Sendable {
        /// Collections (by id or name) whose decisions go back to the hub as feedback.
        public var feedback: [String] = []
        /// Automatic removals, `COLLECTION=TYPE[,TYPE…][@DISTANCE]` (``AutomaticRemoval``).
        public var automaticRemovals: [String] = []
        public var undoWindow: TimeInterval = 60
        /// Where uploaded files are preserved for moderators (`--preserve-media`); nil keeps
        /// only their hashes, ids and times.
        public var mediaFolder: URL?
        /// How long an upload is kept and re-checked (the desk's six months).
        public var retention: TimeInterval = MirrorOptions().retention
        /// The mirror's clock (tests move it).
        public var clock: any WallClock = SystemWallClock()

        public init(feedback: [String] = [], automaticRemovals: [String] = [], undoWindow: TimeInterval = 60) {
            self.feedback = feedback
            self.automaticRemovals = automaticRemovals
            self.undoWindow = undoWindow
        }
    }

    /// Opens (or creates) the mirror in `folder`. `wanted` names collections by id or name
    /// (all the hub key may read when empty). The hub is asked which collections there
    /// are; when it cannot be reached, the mirror starts with the ones it has. On first
    /// start it makes the local platform and returns its admin key (shown once).
    public static func open(in folder: URL, upstream: UpstreamHub, wanted: [String], settings: Settings = Settings(),
                            logger: Logger) async throws -> (Mirror, String?) {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let database = try await HubDatabase(.sqlite(path: folder.appendingPathComponent("mirror.sqlite").path), logger: logger)
        do {
            return try await open(HubStore(database), upstream: upstream, wanted: wanted, settings: settings, logger: logger)
        } catch {
            await database.close()
            throw error
        }
    }

    private static func open(_ store: HubStore, upstream: UpstreamHub, wanted: [String], settings: Settings,
                             logger: Logger) async throws -> (Mirror, String?) {
        // Which collections, before anything is made: a refusal leaves no key unshown.
        var chosen: [API.CollectionOut]?
        let hasCopy = try await !store.upstreamPositions().isEmpty
        do {
            // With a copy to start from, a hub that does not answer at once is not waited for.
            let offered = try await upstream.collections(timeout: hasCopy ? .seconds(1) : .seconds(60))
            let picked = wanted.isEmpty ? offered : offered.filter { wanted.contains($0.id.uuidString.lowercased()) || wanted.contains($0.name) }
            let missing = wanted.filter { name in !picked.contains { $0.id.uuidString.lowercased() == name || $0.name == name } }
            guard missing.isEmpty else {
                throw MirrorError("the hub offers no collection \(missing.joined(separator: ", ")) to this key; it offers \(offered.map(\.name).joined(separator: ", "))")
            }
            chosen = picked
        } catch let error as MirrorError {
            throw error
        } catch {
            guard hasCopy else {
                throw MirrorError("cannot reach the hub at \(upstream.base) (\(error)), and there is no copy yet to start from")
            }
            logger.warning("cannot reach the hub (\(error)); starting from the copy, which follows the hub when it is back")
        }
        // The collections by name, and the desk's options read against them, before anything is made too.
        var names: [UUID: String] = [:], incidents: Set<UUID> = []
        if let chosen {
            for collection in chosen { names[collection.id] = collection.name }
            incidents = Set(chosen.filter { $0.incident != nil }.map(\.id))
        } else {
            for record in try await store.collections(ids: Set(try await store.upstreamPositions().keys)) {
                names[record.id!] = record.name
                if record.incidentID != nil { incidents.insert(record.id!) }
            }
        }
        var options = try deskOptions(settings, collections: names)
        var newKey: String?
        let platform: UUID
        if let existing = try await store.organisations().first(where: { $0.kind == OrganisationKind.platform.rawValue }) {
            platform = existing.id!
        } else {
            let record = try await store.createOrganisation(name: "This platform", kind: .platform, by: nil)
            platform = record.id!
            newKey = try await store.createKey(organisationID: platform, role: .admin, label: "mirror", by: nil).1
        }
        // The platform's own webhook receiver sits on its network, beside the mirror.
        let hub = try await Hub(store: store, configuration: HubConfiguration(
            clock: settings.clock, outboundPolicy: AddressPolicy(allowLoopback: true, allowPrivate: true)))
        for collection in chosen ?? [] { try await hub.services.adoptUpstream(collection, reader: platform) }
        options.platform = platform
        let desk = MirrorDesk(services: hub.services, options: options, incidentCollections: incidents)
        try await desk.load()
        desk.sweepIncoming()
        try await desk.purgeExpired()
        return (Mirror(hub: hub, upstream: upstream, collections: names, platform: platform, desk: desk), newKey)
    }

    /// The desk's options from the command line's, collections named by id or name.
    private static func deskOptions(_ settings: Settings, collections: [UUID: String]) throws -> MirrorOptions {
        var options = MirrorOptions()
        options.undoWindow = settings.undoWindow
        options.mediaFolder = settings.mediaFolder
        options.retention = settings.retention
        do {
            options.automaticRemovals = try settings.automaticRemovals.map { try AutomaticRemoval.parse($0, collections: collections) }
        } catch let error as InvalidRule {
            throw MirrorError(error.description)
        }
        for name in settings.feedback {
            guard let id = MirrorOptions.collection(name, in: collections) else {
                throw MirrorError("--feedback '\(name)': the mirror copies no such collection; it copies \(collections.values.sorted().joined(separator: ", "))")
            }
            options.feedback.insert(id)
        }
        return options
    }

    /// Serves local matching, the review desk and (with `pages`, the dashboard's review
    /// pages over ``desk``) on `host:port`, and follows the hub.
    public func application(host: String, port: Int, logger: Logger, pages: ((Router<HubRequestContext>) -> Void)? = nil,
                            onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = hub.matchingRouter { v1 in
            v1.get("mirror/status") { _, context in
                try await status(by: try context.requireCaller())
            }
            addReviewRoutes(to: v1)
            hub.addWebhookRoutes(to: v1)
        }
        pages?(router)
        let follower = UpstreamFollower(desk: desk, upstream: upstream, collections: Array(collections.keys),
                                        state: state, logger: logger)
        var services: [any Service] = [follower, ReviewPublisher(desk: desk, logger: logger),
                                       CampaignCopier(desk: desk, upstream: upstream, logger: logger)]
        // A service group ends when any service returns: the sender runs only when there is feedback to send.
        if !desk.options.feedback.isEmpty { services.append(FeedbackSender(desk: desk, upstream: upstream, logger: logger)) }
        return hub.application(host: host, port: port, logger: logger, router: router, services: services,
                               onServerRunning: onServerRunning)
    }

    /// Where the copy stands: each collection's cursor, and whether its live feed is open.
    public func status(by caller: Caller) async throws -> MirrorStatus {
        try hub.services.mayAttempt(.readMirrorStatus, caller)
        let positions = try await hub.services.upstreamPositions()
        let live = state.snapshot
        var out: [MirrorStatus.Collection] = []
        for (id, name) in collections.sorted(by: { $0.value < $1.value }) {
            let position = positions[id] ?? .init(cursor: 0)
            out.append(.init(id: id, name: name, cursor: position.cursor, changes: try await hub.services.upstreamChangeCount(in: id),
                             signals: try await hub.services.upstreamSignalCount(in: id),
                             firstCopy: .init(asOf: position.snapshotAsOf, copiedThrough: position.snapshotAfter,
                                              complete: position.snapshotAfter == nil),
                             following: live[id]?.connected ?? false, lastChangeAt: live[id]?.lastChangeAt))
        }
        let feedback = try await hub.store.upstreamFeedbackCounts()
        return MirrorStatus(hub: upstream.base, matchable: hub.matchableCount, collections: out,
                            feedback: .init(pending: feedback["pending"] ?? 0, sent: feedback["sent"] ?? 0, refused: feedback["refused"] ?? 0))
    }
}

/// `GET /v1/mirror/status`.
public struct MirrorStatus: Codable, Sendable, ResponseEncodable {
    public struct Collection: Codable, Sendable {
        public var id: UUID
        public var name: String
        /// The hub's feed cursor the copy has reached (0 until the first copy is complete).
        public var cursor: Int
        /// Upstream changes applied since the first copy, one each.
        public var changes: Int
        /// The hub's signals of the collection held here, retracted ones too.
        public var signals: Int
        public var firstCopy: FirstCopy
        /// Whether the live feed is open now.
        public var following: Bool
        public var lastChangeAt: Date?
    }
    /// The first copy: the hub's signals as they were, page by page; the feed after it.
    public struct FirstCopy: Codable, Sendable {
        /// The hub's cursor the copy was taken at (nil: not begun, or a copy made change by
        /// change by an earlier version).
        public var asOf: Int?
        /// The last upstream signal id copied while it is under way.
        public var copiedThrough: Int?
        public var complete: Bool
    }
    /// Feedback for the hub: waiting (the hub unreachable), sent, refused by the hub.
    public struct Feedback: Codable, Sendable {
        public var pending: Int
        public var sent: Int
        public var refused: Int
    }
    public var hub: String
    public var matchable: Int
    public var collections: [Collection]
    public var feedback: Feedback
}

/// Why the mirror cannot start, and what to do.
public struct MirrorError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
