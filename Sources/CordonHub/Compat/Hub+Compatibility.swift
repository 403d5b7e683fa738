import CordonDomain
import CordonInterop
import CordonServices
import Hummingbird

extension Hub {
    /// Routes in the shapes of tools platforms already run, each a thin adapter over the
    /// same services and permission table as `/v1`: python-threatexchange's StopNCII and
    /// ThreatExchange exchanges, and HMA's matching, hashing and bank API.
    func addCompatibilityRoutes(to router: Router<HubRequestContext>) {
        addStopNCIIRoutes(to: router.group("compat/stopncii/v1").add(middleware: CompatAuthenticator(
            services: services, secret: { $0.headers[.functionsKey] },
            missing: "send a Cordon API key as the x-functions-key header (the StopNCII fetch key)")))
        addThreatExchangeRoutes(to: router.group("compat/te").add(middleware: CompatAuthenticator(
            services: services,
            secret: { request in request.uri.queryParameters.get("access_token").map { ExchangeIdentifiers.key(inAppToken: String($0)) } },
            missing: "send access_token=<app id>|<Cordon API key> (cordon connect prints one)")))
        let hma = router.group().add(middleware: HMAErrorMiddleware())
        hma.get("status/live") { _, _ in "I-AM-ALIVE" }
        hma.get("status") { _, _ in "I-AM-ALIVE" }
        let authenticated = hma.add(middleware: APIKeyAuthenticator(services: services))
        addHMAMatchingRoutes(to: authenticated)
        addHMABankRoutes(to: authenticated)
    }
}
