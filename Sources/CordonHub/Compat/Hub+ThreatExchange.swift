import CordonDomain
import CordonInterop
import CordonServices
import Foundation
import Hummingbird

extension Hub {
    /// `GET /compat/te/{version}/{privacy_group}/threat_updates/`: python-threatexchange's
    /// `FBThreatExchangeSignalExchangeAPI` (with `endpoint_override`), HMA through a
    /// subclass, and Altitude's GIFCT importer read a collection in full fidelity.
    func addThreatExchangeRoutes(to group: RouterGroup<HubRequestContext>) {
        group.get(":version/:group/threat_updates") { request, context in
            let caller = try context.requireCaller(.readFeed, services)
            guard let number = context.parameters.get("group").flatMap({ UInt64($0) }) else {
                throw ServiceError.invalid("privacy_group", "the privacy group is the collection's number (cordon connect prints it)")
            }
            let collections = try await services.readableCollections(caller)
            guard let collection = collections.first(where: { ExchangeIdentifiers.number($0.id) == number }) else {
                throw ServiceError.notFound("privacy_group", "no collection \(number) among your organisation's collections")
            }
            let limit = try Self.intQuery(request, "limit", default: 100, range: 1...1000)
            // `after` (from our own `paging.next`) is exclusive; `start_time` is inclusive.
            let after = try request.uri.queryParameters.get("after").map { _ in try Self.intQuery(request, "after", default: 0, range: 0...Int.max) }
            let start = try Self.intQuery(request, "start_time", default: 0, range: 0...Int.max)
            let page = try await services.exchangeFeed(
                of: collection.id, since: after ?? start, inclusive: after == nil, limit: limit + 1, by: caller)
            // pytx follows `paging.next` verbatim, dropping its own parameters: the URL carries
            // the token and the cursor.
            let token = (Self.stringQuery(request, "access_token") ?? "").replacingOccurrences(of: "|", with: "%7C")
            let scheme = request.headers[.forwardedProto] ?? "http"
            let host = request.head.authority ?? "127.0.0.1"
            let base = "\(scheme)://\(host)\(request.uri.path)?access_token=\(token)&limit=\(limit)"
            return Self.json(ThreatUpdatesPage(page, startTime: after ?? start, limit: limit) { "\(base)&after=\($0)" })
        }
    }
}
