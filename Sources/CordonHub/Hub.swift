import CordonDomain
import CordonOutbound
import CordonStore
import Foundation
import Hummingbird
import Logging
import Synchronization

/// The hash-sharing hub: the `/v1` JSON API over a ``HubStore``, with every matchable
/// signal, key and membership held in memory, so matching never waits for the database.
public struct Hub: Sendable {
    public let store: HubStore
    public var configuration: HubConfiguration
    let catalog = SignalCatalog()
    let access: AccessCache
    let follower: ChangeFollower
    let notary: HubNotary
    let caseEvents = EventSignal()
    let incidentEvents = EventSignal()
    /// Wakes the webhook sender when deliveries were queued.
    let deliveries = EventSignal()

    /// Opens the hub over `store`: loads keys, memberships and every matchable signal.
    public init(store: HubStore, configuration: HubConfiguration = HubConfiguration()) async throws {
        self.store = store
        self.configuration = configuration
        access = AccessCache(store: store)
        try await access.reload()
        let catalog = catalog
        catalog.reserve(try await store.signalCount())
        let pending = Mutex<[StoredSignal]>([])
        let cursor = try await store.loadMatchableSignals { signal in
            let full = pending.withLock { pending -> [StoredSignal]? in
                pending.append(signal)
                guard pending.count >= 20_000 else { return nil }
                defer { pending.removeAll(keepingCapacity: true) }
                return pending
            }
            if let full { catalog.load(full) }
        }
        catalog.load(pending.withLock { $0 })
        catalog.compact()
        follower = ChangeFollower(store: store, catalog: catalog, cursor: cursor)
        try await follower.catchUp()
        notary = try await HubNotary(store: store)
    }

    /// How many signals can match now.
    public var matchableCount: Int { catalog.count }

    /// The router with every route; `Application(router:)` serves it.
    public func router() -> Router<HubRequestContext> {
        let router = Router(context: HubRequestContext.self)
        router.get("/health") { _, _ in "ok" }
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.json)))
        }
        let v1 = router.group("v1").add(middleware: APIKeyAuthenticator(access: access))
        addOrganisationRoutes(to: v1)
        addCollectionRoutes(to: v1)
        addSignalRoutes(to: v1)
        addMatchRoutes(to: v1)
        addFeedRoutes(to: v1)
        addCaseRoutes(to: v1)
        addCaseReviewRoutes(to: v1)
        addDeskRoutes(to: v1)
        addCaseEventRoutes(to: v1)
        addIncidentRoutes(to: v1)
        addIncidentSharingRoutes(to: v1)
        return router
    }

    /// An application serving the hub on `host:port` (port 0 picks a free one), with the
    /// service that keeps this replica in step with the others.
    public func application(host: String, port: Int, logger: Logger) -> some ApplicationProtocol {
        var app = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "cordon"),
            logger: logger)
        app.addServices(HubSynchroniser(hub: self, logger: logger), DeskWorker(hub: self, logger: logger))
        return app
    }

    /// Runs a store call, turning store refusals into API errors.
    func storeCall<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw APIError(error)
        } catch let error as DeconflictionError {
            throw APIError(error)
        }
    }

    /// The desk's time, from the configured clock.
    func now() -> Date { configuration.clock.now() }

    /// After a local write of signals: the catalog (and live subscribers) see it before
    /// the response goes out. Pass the changes the write recorded, when it returned them,
    /// to spare reading them back.
    func signalsChanged(_ committed: [SignalChange] = []) async throws {
        try await follower.apply(committed: committed)
    }

    /// After a local write of case events: live streams and the webhook sender look.
    func casesChanged() {
        caseEvents.wake()
        deliveries.wake()
    }

    /// After a local write of incident events.
    func incidentsChanged() {
        incidentEvents.wake()
        deliveries.wake()
    }

    /// After a local write of organisations, keys or memberships.
    func accessChanged() async throws {
        try await access.reload()
    }
}

/// Settings a hub operator may change.
public struct HubConfiguration: Sendable {
    /// When dissent marks a signal disputed.
    public var disputeRule: DisputeRule
    /// The PDQ match threshold when a request names none.
    public var defaultMaxDistance: Int
    /// The largest threshold a request may ask for (wider radii match noise and cost more).
    public var maxDistanceCap: Int
    /// The most signals one submission may carry.
    public var maxSignalsPerRequest: Int
    /// Where the referral desk reads the time (tests and drills move it).
    public var clock: any WallClock
    /// Deadlines, check schedule, scrutiny windows, preservation period.
    public var desk: DeskRules
    /// Which addresses the removal checker and webhooks may reach.
    public var outboundPolicy: AddressPolicy
    /// How often the desk worker looks for due alerts, checks, deliveries and purges.
    public var deskTick: Duration
    /// The operating board's quorum and the incident levels.
    public var crisis: CrisisRules

    public init(disputeRule: DisputeRule = .default, defaultMaxDistance: Int = 31, maxDistanceCap: Int = 64,
                maxSignalsPerRequest: Int = 10_000, clock: any WallClock = SystemWallClock(), desk: DeskRules = DeskRules(),
                outboundPolicy: AddressPolicy = .publicOnly, deskTick: Duration = .milliseconds(200),
                crisis: CrisisRules = .standard) {
        self.disputeRule = disputeRule
        self.defaultMaxDistance = defaultMaxDistance
        self.maxDistanceCap = maxDistanceCap
        self.maxSignalsPerRequest = maxSignalsPerRequest
        self.clock = clock
        self.desk = desk
        self.outboundPolicy = outboundPolicy
        self.deskTick = deskTick
        self.crisis = crisis
    }
}
