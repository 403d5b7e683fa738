import CordonDomain
import CordonInterop
import CordonServices
import Foundation
import Hummingbird

extension Hub {
    /// `GET /compat/stopncii/v1/FetchHashes`: the stock `threatexchange` CLI and stock HMA
    /// fetch a collection with `TX_STOPNCII_KEYS="<key>,<collection id>,<hub>/compat/stopncii/v1"`.
    func addStopNCIIRoutes(to group: RouterGroup<HubRequestContext>) {
        group.get("FetchHashes") { request, context in
            let caller = try context.requireCaller(.readFeed, services)
            guard let text = request.headers[.subscriptionKey], let collection = UUID(uuidString: text) else {
                throw ServiceError.invalid("Ocp-Apim-Subscription-Key", "send the collection's id as the Ocp-Apim-Subscription-Key header (the StopNCII subscription key)")
            }
            let start = try Self.intQuery(request, "startTimestamp", default: StopNCIIPage.offset, range: 0...Int.max)
            let token = Self.stringQuery(request, "nextPageToken")
            let cursor = try StopNCIIPage.cursor(startTimestamp: start, nextPageToken: token)
            let pageSize = try Self.intQuery(request, "pageSize", default: 800, range: 1...10_000)
            let page = try await services.exchangeFeed(of: collection, since: cursor, limit: pageSize + 1, by: caller)
            return Self.json(StopNCIIPage(page, after: cursor, pageSize: pageSize))
        }
    }
}
