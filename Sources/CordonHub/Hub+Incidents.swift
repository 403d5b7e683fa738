import CordonDomain
import CordonServices
import Foundation
import HTTPTypes
import Hummingbird

extension Hub {
    /// The crisis protocol's life cycle: proposal, the board's votes, withdrawal, the
    /// after-action report, drills' purge, and the incident event stream.
    func addIncidentRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.post("incidents") { request, context in
            let caller = try context.requireCaller(.proposeIncident, services)
            let body = try await request.decodeJSON(API.NewIncident.self, context: context)
            return EditedResponse(status: .created, response: try await services.propose(body, by: caller))
        }
        v1.get("incidents") { request, context in
            let caller = try context.requireCaller()
            return try await services.incidents(
                state: try Self.enumQuery(request, "state", IncidentState.self),
                limit: try Self.intQuery(request, "limit", default: 100, range: 1...1000), by: caller)
        }
        v1.get("incidents/:id") { _, context in
            try await services.incident(try Self.uuidParameter(context, "id", field: "incident"), by: try context.requireCaller())
        }
        v1.post("incidents/:id/votes") { request, context in
            let caller = try context.requireCaller(.vote, services)
            let id = try Self.uuidParameter(context, "id", field: "incident")
            return try await services.vote(on: id, try await request.decodeJSON(API.VoteIn.self, context: context), by: caller)
        }
        v1.post("incidents/:id/withdraw") { request, context in
            let caller = try context.requireCaller(.withdrawIncident, services)
            let id = try Self.uuidParameter(context, "id", field: "incident")
            return try await services.withdraw(id, try await request.decodeJSON(API.ReasonIn.self, context: context), by: caller)
        }
        v1.delete("incidents/:id") { _, context -> HTTPResponse.Status in
            try await services.purgeDrill(try Self.uuidParameter(context, "id", field: "incident"), by: try context.requireCaller())
            return .noContent
        }
        v1.get("incidents/:id/report") { _, context in
            try await services.report(on: try Self.uuidParameter(context, "id", field: "incident"), by: try context.requireCaller())
        }
        v1.get("incidents/:id/picture") { _, context in
            try await services.picture(of: try Self.uuidParameter(context, "id", field: "incident"), by: try context.requireCaller())
        }
        v1.get("incident-events") { request, context in
            let caller = try context.requireCaller()
            return try await services.incidentEvents(
                since: try Self.intQuery(request, "since", default: 0, range: 0...Int.max),
                limit: try Self.intQuery(request, "limit", default: 500, range: 1...5000),
                incident: try Self.uuidQuery(request, "incident"), by: caller)
        }
        v1.get("incident-events/stream") { request, context in
            let caller = try context.requireCaller()
            let stream = try await services.incidentEventStream(incident: try Self.uuidQuery(request, "incident"), by: caller)
            return try await EventStream.response(stream, request: request, encoder: context.responseEncoder)
        }
    }
}
