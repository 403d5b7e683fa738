import CordonDomain
import CordonServices
import CordonStore
import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// The hash-sharing hub's JSON API: `/v1` routes over ``HubServices``, each one decodes
/// the request, calls one use case and encodes its answer. No rule lives here.
public struct Hub: Sendable {
    public let services: HubServices
    /// This hub's metrics, in Prometheus's text format at `/metrics`.
    let registry: PrometheusCollectorRegistry

    /// Opens the services over `store` and serves them, counting into a registry of
    /// this hub's own that `/metrics` reads out.
    public init(store: HubStore, configuration: HubConfiguration = HubConfiguration()) async throws {
        let registry = PrometheusCollectorRegistry()
        var configuration = configuration
        configuration.metricsFactory = PrometheusMetricsFactory(registry: registry)
        self.registry = registry
        services = try await HubServices(store: store, configuration: configuration)
    }

    public var store: HubStore { services.store }

    /// How many signals can match now.
    public var matchableCount: Int { services.matchableCount }

    /// The router with every route; `pages` adds the web pages (the `CordonWeb` target).
    public func router(pages: ((Router<HubRequestContext>) -> Void)? = nil) -> Router<HubRequestContext> {
        let router = Router(context: HubRequestContext.self)
        router.add(middleware: RequestObserver(metrics: services.metrics))
        let methods = RouteMethods()
        router.add(middleware: MethodGuard(routes: methods))
        router.get("/health") { _, _ in "ok" }
        addMetricsRoute(to: router)
        let document = ByteBuffer(bytes: OpenAPIDocument.json(incidentLevels: services.configuration.crisis.levels))
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: document))
        }
        let v1 = router.group("v1").add(middleware: APIKeyAuthenticator(services: services))
        addOrganisationRoutes(to: v1)
        addCollectionRoutes(to: v1)
        addSignalRoutes(to: v1)
        addSafeguardRoutes(to: v1)
        addCampaignRoutes(to: v1)
        addNoticeRoutes(to: v1)
        addMatchRoutes(to: v1)
        addFeedRoutes(to: v1)
        addCaseRoutes(to: v1)
        addCaseReviewRoutes(to: v1)
        addDeskRoutes(to: v1)
        addCaseEventRoutes(to: v1)
        addIncidentRoutes(to: v1)
        addIncidentSharingRoutes(to: v1)
        addStatementRoutes(to: v1)
        addAuditChainRoutes(to: v1)
        addCompatibilityRoutes(to: router)
        pages?(router)
        methods.record(router.routes.map { (path: $0.path.description, method: $0.method.rawValue) })
        return router
    }

    /// An application serving the hub on `host:port` (port 0 picks a free one), with the
    /// background services that keep this replica in step with the others and run the desk.
    /// The routes a mirror serves from its copy: health, `GET /v1/me`, matching (hashes and
    /// uploads, `GET /v1/match/counts`) and reading a signal; `extra` adds the mirror's own
    /// under `/v1`. Nothing here writes to the copy: it follows the hub.
    public func matchingRouter(extra: (RouterGroup<HubRequestContext>) -> Void = { _ in }) -> Router<HubRequestContext> {
        let router = Router(context: HubRequestContext.self)
        router.add(middleware: RequestObserver(metrics: services.metrics))
        let methods = RouteMethods()
        router.add(middleware: MethodGuard(routes: methods))
        router.get("/health") { _, _ in "ok" }
        addMetricsRoute(to: router)
        let v1 = router.group("v1").add(middleware: APIKeyAuthenticator(services: services))
        v1.get("me") { _, context in try await services.me(try context.requireCaller()) }
        addMatchRoutes(to: v1)
        addSignalReadRoute(to: v1)
        extra(v1)
        methods.record(router.routes.map { (path: $0.path.description, method: $0.method.rawValue) })
        return router
    }

    /// `onServerRunning` gets the port the server listens on (the one chosen for port 0).
    public func application(host: String, port: Int, logger: Logger,
                            pages: ((Router<HubRequestContext>) -> Void)? = nil,
                            onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        application(host: host, port: port, logger: logger, router: router(pages: pages), onServerRunning: onServerRunning)
    }

    /// An application serving `router` (``router(pages:)`` or ``matchingRouter(extra:)``)
    /// with the services' background work and `services`.
    public func application(host: String, port: Int, logger: Logger, router: Router<HubRequestContext>, services extra: [any Service] = [],
                            onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        var app = Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: services.configuration.connections.idleTimeout.map(TimeAmount.init))),
            configuration: .init(address: .hostname(host, port: port), serverName: "cordon"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
        for service in services.backgroundServices(logger: logger) + extra { app.addServices(service) }
        return app
    }
}

extension Hub {
    /// `GET /metrics`: requests by route and status with their latency, matches, index
    /// sizes, feed lag, desk alerts, the webhook outbox and live streams, as Prometheus
    /// scrapes them. It carries counts only, no names, so it needs no key; keep the hub's
    /// port off the internet (behind the TLS proxy) as the README says.
    func addMetricsRoute(to router: Router<HubRequestContext>) {
        router.get("/metrics") { [services, registry] _, _ -> Response in
            try await services.observeGauges()
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
