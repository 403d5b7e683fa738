import CordonDomain
import CordonServices
import Foundation
import Hummingbird

extension Hub {
    func addOrganisationRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.get("me") { _, context in try await services.me(try context.requireCaller()) }
        v1.get("organisations") { _, context in try await services.organisations(try context.requireCaller()) }
        v1.post("organisations") { request, context in
            let caller = try context.requireCaller(.createOrganisation, services)
            let body = try await request.decodeJSON(API.NewOrganisation.self, context: context)
            return EditedResponse(status: .created, response: try await services.createOrganisation(body, by: caller))
        }
        v1.patch("organisations/:id") { request, context in
            let caller = try context.requireCaller(.updateOrganisation, services)
            let id = try Self.uuidParameter(context, "id", field: "organisation")
            let body = try await request.decodeJSON(API.OrganisationUpdate.self, context: context)
            return try await services.updateOrganisation(id, body, by: caller)
        }
        v1.post("organisations/:id/suspension") { request, context in
            let caller = try context.requireCaller(.suspendOrganisation, services)
            let id = try Self.uuidParameter(context, "id", field: "organisation")
            let body = try await request.decodeJSON(API.SuspensionIn.self, context: context)
            return try await services.suspend(id, body, by: caller)
        }
        v1.delete("organisations/:id/suspension") { _, context in
            let caller = try context.requireCaller()
            return try await services.reinstate(try Self.uuidParameter(context, "id", field: "organisation"), by: caller)
        }
        v1.put("organisations/:id/board") { request, context -> HTTPResponse.Status in
            let caller = try context.requireCaller(.seatBoard, services)
            let id = try Self.uuidParameter(context, "id", field: "organisation")
            try await services.seatBoard(id, try await request.decodeJSON(API.BoardSeat.self, context: context), by: caller)
            return .noContent
        }
        v1.post("organisations/:id/keys") { request, context in
            let caller = try context.requireCaller(.createKey, services)
            let id = try Self.uuidParameter(context, "id", field: "organisation")
            let body = try await request.decodeJSON(API.NewKey.self, context: context)
            return EditedResponse(status: .created, response: try await services.createKey(for: id, body, by: caller))
        }
        v1.get("organisations/:id/keys") { _, context in
            let caller = try context.requireCaller()
            return try await services.keys(of: try Self.uuidParameter(context, "id", field: "organisation"), by: caller)
        }
        v1.delete("keys/:id") { _, context -> HTTPResponse.Status in
            let caller = try context.requireCaller()
            try await services.revokeKey(try Self.uuidParameter(context, "id", field: "key"), by: caller)
            return .noContent
        }
        v1.get("audit") { request, context in
            let caller = try context.requireCaller()
            return try await services.auditLog(
                since: try Self.intQuery(request, "since", default: 0, range: 0...Int.max),
                limit: try Self.intQuery(request, "limit", default: 500, range: 1...5000), by: caller)
        }
    }
}
