import CordonDomain
import CordonServices
import Foundation
import Hummingbird

extension Hub {
    /// What happens to the caller's cases, as a page or as a live server-sent-event stream.
    func addCaseEventRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.get("case-events") { request, context in
            let caller = try context.requireCaller()
            return try await services.caseEvents(
                since: try Self.intQuery(request, "since", default: 0, range: 0...Int.max),
                limit: try Self.intQuery(request, "limit", default: 500, range: 1...5000), by: caller)
        }
        v1.get("case-events/stream") { request, context in
            let stream = try services.caseEventStream(by: try context.requireCaller())
            return try await EventStream.response(stream, request: request, encoder: context.responseEncoder)
        }
    }
}
