import CordonDomain
import CordonStore
import Foundation
import HTTPTypes
import Hummingbird

extension Hub {
    /// The crisis protocol's life cycle: proposal, the board's votes, withdrawal, the
    /// after-action report, drills' purge, and the incident event stream.
    func addIncidentRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.post("incidents") { request, context -> EditedResponse<API.IncidentOut> in
            let caller = try context.requireCaller()
            try requireActing(caller)
            guard caller.kind != .auditor else { throw APIError.forbidden("auditors observe incidents; they do not propose them") }
            let body = try await request.decodeJSON(API.NewIncident.self, context: context)
            let level = body.level ?? configuration.crisis.defaultLevel
            guard configuration.crisis.levels.contains(level) else {
                throw APIError.invalid("level", "level must be one of \(configuration.crisis.levels.joined(separator: ", "))")
            }
            let new = NewIncident(
                title: try Self.validName(body.title, field: "title"), summary: try Self.text(body.summary, field: "summary"),
                location: try Self.text(body.location, field: "location"), occurredAt: try Self.date(body.occurredAt, field: "occurredAt"),
                contentSeen: try Self.text(body.contentSeen, field: "contentSeen"), criteria: body.criteria, level: level,
                drill: body.drill ?? false, authorities: body.authorities ?? [])
            let record = try await storeCall { try await store.proposeIncident(new, by: caller, now: now()) }
            try await accessChanged()
            incidentsChanged()
            return EditedResponse(status: .created, response: API.IncidentOut(record))
        }
        v1.get("incidents") { request, context -> [API.IncidentOut] in
            let caller = try context.requireCaller()
            let state = try Self.enumQuery(request, "state", IncidentState.self)
            let limit = try Self.intQuery(request, "limit", default: 100, range: 1...1000)
            return try await store.incidents(for: caller, state: state, limit: limit).map { API.IncidentOut($0) }
        }
        v1.get("incidents/:id") { _, context -> API.IncidentOut in
            let caller = try context.requireCaller()
            let record = try await storeCall { try await store.incident(try Self.uuidParameter(context, "id", field: "incident"), for: caller) }
            return API.IncidentOut(record, votes: try await store.votes(on: record.id!))
        }
        v1.post("incidents/:id/votes") { request, context -> API.IncidentOut in
            let caller = try context.requireCaller()
            try requireActing(caller)
            let id = try Self.uuidParameter(context, "id", field: "incident")
            let body = try await request.decodeJSON(API.VoteIn.self, context: context)
            let record = try await storeCall {
                try await store.vote(on: id, body.decision, reason: body.reason ?? "", by: caller, rules: configuration.crisis, now: now())
            }
            try await accessChanged()
            incidentsChanged()
            return API.IncidentOut(record, votes: try await store.votes(on: id))
        }
        v1.post("incidents/:id/withdraw") { request, context -> API.IncidentOut in
            let caller = try context.requireCaller()
            try requireActing(caller)
            let id = try Self.uuidParameter(context, "id", field: "incident")
            let body = try await request.decodeJSON(API.ReasonIn.self, context: context)
            let record = try await storeCall { try await store.withdrawIncident(id, reason: body.reason ?? "", by: caller, now: now()) }
            incidentsChanged()
            return API.IncidentOut(record)
        }
        v1.delete("incidents/:id") { _, context -> HTTPResponse.Status in
            let caller = try context.requireCaller()
            guard caller.role.canAdminister else { throw APIError.forbidden("purging a drill needs an admin key") }
            let id = try Self.uuidParameter(context, "id", field: "incident")
            try await storeCall { try await store.purgeDrill(id, by: caller, now: now()) }
            try await signalsChanged()
            try await accessChanged()
            return .noContent
        }
        v1.get("incidents/:id/report") { _, context -> API.AfterActionReport in
            let caller = try context.requireCaller()
            let record = try await storeCall { try await store.incident(try Self.uuidParameter(context, "id", field: "incident"), for: caller) }
            guard record.state == IncidentState.concluded.rawValue else {
                throw APIError(.conflict, code: "conflict", field: "incident",
                               message: "the after-action report follows conclusion; while the incident is \(record.state), read GET /v1/incidents/\(record.id!)/picture")
            }
            var timeline: [IncidentEventRecord] = []
            while true {
                let page = try await store.incidentEvents(after: timeline.last?.id ?? 0, for: caller, incident: record.id!, limit: 5000)
                timeline += page
                if page.count < 5000 { break }
            }
            return API.AfterActionReport(
                incident: API.IncidentOut(record, votes: try await store.votes(on: record.id!)), drill: record.drill,
                activeHours: record.activatedAt.flatMap { start in record.concludedAt.map { $0.timeIntervalSince(start) / 3600 } },
                picture: try await store.picture(of: record),
                urls: try await store.sharedURLs(of: record.id!).map { API.SharedURLOut($0.0, state: $0.1) },
                timeline: timeline.map(API.IncidentEventOut.init))
        }
        v1.get("incidents/:id/picture") { _, context -> API.IncidentPictureOut in
            let caller = try context.requireCaller()
            let record = try await storeCall { try await store.incident(try Self.uuidParameter(context, "id", field: "incident"), for: caller) }
            return API.IncidentPictureOut(incident: API.IncidentOut(record), picture: try await store.picture(of: record))
        }
        v1.put("organisations/:id/board") { request, context -> HTTPResponse.Status in
            let caller = try context.requireCaller()
            guard caller.role.canAdminister else { throw APIError.forbidden("seating the operating board needs an admin key") }
            let id = try Self.uuidParameter(context, "id", field: "organisation")
            let body = try await request.decodeJSON(API.BoardSeat.self, context: context)
            try await storeCall { try await store.setBoard(id, seated: body.seated, by: caller) }
            try await accessChanged()
            return .noContent
        }
        v1.get("incident-events") { request, context -> API.IncidentEventPage in
            let caller = try context.requireCaller()
            let since = try Self.intQuery(request, "since", default: 0, range: 0...Int.max)
            let limit = try Self.intQuery(request, "limit", default: 500, range: 1...5000)
            let incident = try Self.uuidQuery(request, "incident")
            let events = try await store.incidentEvents(after: since, for: caller, incident: incident, limit: limit)
            return API.IncidentEventPage(events: events.map(API.IncidentEventOut.init), next: events.last?.id ?? since)
        }
        v1.get("incident-events/stream") { request, context -> Response in
            let caller = try context.requireCaller()
            let incident = try Self.uuidQuery(request, "incident")
            if let incident { _ = try await storeCall { try await store.incident(incident, for: caller) } }
            let since = try await EventStream.resumePoint(request) { try await store.latestIncidentEvent() }
            let wakes = incidentEvents.subscribe()
            let encoder = context.responseEncoder
            return EventStream.response(after: since, wakes: wakes, pageSize: 500) { cursor in
                try await store.incidentEvents(after: cursor, for: caller, incident: incident, limit: 500)
            } event: { event in
                (event.id!, event.kind, Array(try encoder.encode(API.IncidentEventOut(event))))
            }
        }
    }

    /// Required free text, trimmed, at most 10,000 characters.
    static func text(_ value: String, field: String) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...10_000).contains(trimmed.count) else { throw APIError.invalid(field, "\(field) must be 1 to 10,000 characters") }
        return trimmed
    }

    /// An ISO 8601 time from a request body.
    static func date(_ text: String, field: String) throws -> Date {
        guard let date = RemovalOrderContent.parseDate(text) else {
            throw APIError.invalid(field, "\(field) must be an ISO 8601 time such as 2026-11-23T10:00:00Z")
        }
        return date
    }

    static func uuidQuery(_ request: Request, _ name: String) throws -> UUID? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let id = UUID(uuidString: String(text)) else { throw APIError.invalid(name, "\(name) must be a UUID") }
        return id
    }
}
