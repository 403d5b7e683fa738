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
            let since: Int
            if let lastEventID = request.headers[.lastEventID] {
                guard let cursor = Int(lastEventID), cursor >= 0 else {
                    throw APIError.invalid("Last-Event-ID", "Last-Event-ID must be an event id from an earlier event")
                }
                since = cursor
            } else if request.uri.queryParameters.get("since") != nil {
                since = try Self.intQuery(request, "since", default: 0, range: 0...Int.max)
            } else {
                since = try await store.latestCaseEvent()
            }
            let wakes = caseEvents.subscribe()
            let encoder = context.responseEncoder
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    try await streamCaseEvents(for: caller.organisationID, since: since, wakes: wakes, encoder: encoder, to: &writer)
                    try await writer.finish(nil)
                })
        }
    }

    /// Writes each event after `since` (`id:` the event id, `event:` its kind), then new
    /// ones as they come.
    private func streamCaseEvents(
        for organisation: UUID, since: Int, wakes: AsyncStream<Void>, encoder: JSONEncoder, to writer: inout any ResponseBodyWriter
    ) async throws {
        var cursor = since
        try await EventStream.run(wakes: wakes, to: &writer) { writer in
            var page: [CaseEventRecord]
            repeat {
                page = try await store.caseEvents(after: cursor, for: organisation, limit: 500)
                var text = ""
                for event in page {
                    text += EventStream.event(id: event.id!, kind: event.kind, data: Array(try encoder.encode(API.CaseEventOut(event))))
                    cursor = event.id!
                }
                if !text.isEmpty { try await writer.write(ByteBuffer(string: text)) }
            } while page.count == 500
        }
    }
}
