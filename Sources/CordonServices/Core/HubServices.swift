import CordonDomain
import CordonStore
import Foundation
import Logging
import ServiceLifecycle

/// Every use case of the hub, in one place, for every surface: the JSON API, the pages,
/// the mirror and the compatibility routes call these methods and add nothing but their
/// own encoding. Each method takes the caller and a command, asks ``PermissionTable``,
/// validates, writes through the ``HubStore`` and tells the in-memory parts and live
/// streams; a refusal is a ``ServiceError`` naming the field.
///
/// Every matchable signal, key and membership is held in memory, so matching and
/// authorising never wait for the database.
public struct HubServices: Sendable {
    public let store: HubStore
    public let configuration: HubConfiguration
    let catalog = SignalCatalog()
    let access: AccessCache
    let follower: ChangeFollower
    let notary: HubNotary
    /// Seals preserved records until their period ends, then forgets the keys.
    let retention: RetentionKeys
    let caseEvents = EventSignal()
    let incidentEvents = EventSignal()
    /// Wakes the webhook sender when deliveries were queued.
    let deliveries = EventSignal()
    /// Bounds how many uploads each organisation has decoding at once.
    let uploads: UploadGate
    let streams: StreamQuota
    public let metrics: HubMetrics
    /// Failed sign-ins, for throttling guesses.
    let signIns: SignInThrottle
    /// Match counts not yet stored, and the turn readers and the keeper take, so a read
    /// never misses counts between memory and the store.
    let matchTally = MatchTally()
    let matchCountTurn = Turnstile()
    /// Running campaigns, for suggestions on the match path.
    let campaigns: CampaignShelf

    /// Opens the services over `store`: loads keys, memberships and every matchable signal.
    public init(store: HubStore, configuration: HubConfiguration = HubConfiguration()) async throws {
        self.store = store
        self.configuration = configuration
        streams = StreamQuota(limit: configuration.connections.streamsPerKey)
        metrics = HubMetrics(factory: configuration.metricsFactory)
        uploads = UploadGate(concurrent: configuration.media.concurrentDecodesPerOrganisation,
                             queued: configuration.media.queuedPerOrganisation)
        access = AccessCache(store: store)
        campaigns = CampaignShelf(store: store)
        signIns = SignInThrottle(limit: configuration.sessions.failureLimit, window: configuration.sessions.failureWindow)
        try await access.reload()
        let catalog = catalog
        catalog.reserve(try await store.signalCount())
        // Rows are read on the database's threads while the catalog takes them, a batch at
        // a time, on another: start-up with a million took the sum of both.
        let loading = DispatchQueue(label: "cordon.catalog-load")
        let cursor = try await store.loadMatchableSignals { batch in
            loading.async { catalog.load(batch) }
        }
        await withCheckedContinuation { (loaded: CheckedContinuation<Void, Never>) in
            loading.async { loaded.resume() }
        }
        catalog.compact()
        follower = ChangeFollower(store: store, catalog: catalog, cursor: cursor)
        try await follower.catchUp()
        notary = try HubNotary(keys: configuration.keys ?? .ephemeral)
        retention = RetentionKeys((configuration.keys ?? .ephemeral).retention, keyFile: configuration.keyFile)
        if let keys = configuration.keys { try await HubNotary.register(keys, in: store) }
    }

    /// How many signals can match now.
    public var matchableCount: Int { catalog.count }

    /// Hashes and frames not yet folded into the search tables: after a burst of writes they
    /// are, once writes pause for a second (benchmarks wait for that before timing).
    public var pendingIndexChanges: Int { catalog.pendingChanges }

    /// The background work every replica runs beside its surfaces: keeping in step with the
    /// other replicas, the desk's alerts, deliveries, checks and purges, and sealing the audit chain.
    public func backgroundServices(logger: Logger) -> [any Service] {
        [HubSynchroniser(services: self, logger: logger), DeskWorker(services: self, logger: logger),
         AuditSealer(services: self, logger: logger), MatchCountKeeper(services: self, logger: logger)]
    }

    /// The desk's time, from the configured clock.
    public func now() -> Date { configuration.clock.now() }

    // MARK: After writes

    /// After a local write of signals: the catalog (and live subscribers) see it before
    /// the answer goes out. Pass the changes the write recorded, when it returned them,
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

    /// Runs a store call, turning store refusals into service errors.
    public func storeCall<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw ServiceError(error)
        } catch let error as DeconflictionError {
            throw ServiceError(error)
        }
    }

    /// Runs a domain rule, turning its refusal into a service error.
    static func rule<T>(_ body: () throws(RuleError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw ServiceError(error)
        }
    }
}
