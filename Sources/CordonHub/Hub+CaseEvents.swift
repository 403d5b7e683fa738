import CordonDomain
import CordonStore
import Foundation
import Hummingbird
import HTTPTypes

extension Hub {
    /// What happens to the caller's cases, as a page or as a live server-sent-event stream.
    func addCaseEventRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.get("case-events") { request, context -> API.CaseEventPage in
            let caller = try context.requireCaller()
            let since = try Self.intQuery(request, "since", default: 0, range: 0...Int.max)
            let limit = try Self.intQuery(request, "limit", default: 500, range: 1...5000)
            let events = try await store.caseEvents(after: since, for: caller.organisationID, limit: limit)
            return API.CaseEventPage(events: events.map { API.CaseEventOut($0) }, next: events.last?.id ?? since)
        }
        v1.get("case-events/stream") { request, context -> Response in
            let caller = try context.requireCaller()
            let since = try await EventStream.resumePoint(request) { try await store.latestCaseEvent() }
            let wakes = caseEvents.subscribe()
            let encoder = context.responseEncoder
            return EventStream.response(after: since, wakes: wakes, pageSize: 500) { cursor in
                try await store.caseEvents(after: cursor, for: caller.organisationID, limit: 500)
            } event: { event in
                (event.id!, event.kind, Array(try encoder.encode(API.CaseEventOut(event))))
            }
        }
    }
}
