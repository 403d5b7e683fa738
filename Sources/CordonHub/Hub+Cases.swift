import CordonDomain
import CordonServices
import CordonStore
import Foundation
import Hummingbird

extension Hub {
    func addCaseRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.post("referrals") { request, context in
            let caller = try context.requireCaller(.issueReferral, services)
            let body = try await request.decodeJSON(API.NewReferral.self, context: context)
            return EditedResponse(status: .created, response: try await services.refer(body, by: caller))
        }
        v1.post("orders") { request, context in
            let caller = try context.requireCaller(.issueOrder, services)
            let body = try await request.decodeJSON(API.NewOrder.self, context: context)
            return EditedResponse(status: .created, response: try await services.issue(body, by: caller))
        }
        v1.get("orders/:id/proof") { _, context in
            try await services.proof(of: try Self.uuidParameter(context, "id", field: "order"), by: try context.requireCaller())
        }
        v1.get("cases") { request, context in
            let caller = try context.requireCaller()
            return try await services.cases(
                view: try Self.enumQuery(request, "view", HubStore.CaseView.self), kind: try Self.enumQuery(request, "kind", CaseKind.self),
                state: try Self.enumQuery(request, "state", CaseState.self), before: try Self.beforeQuery(request),
                limit: try Self.intQuery(request, "limit", default: 100, range: 1...1000), by: caller)
        }
        v1.get("cases/:id") { _, context in
            try await services.case(try Self.uuidParameter(context, "id", field: "case"), by: try context.requireCaller())
        }
        v1.post("cases/:id/actions") { request, context in
            let caller = try context.requireCaller(.actOnCase, services)
            let id = try Self.uuidParameter(context, "id", field: "case")
            return try await services.act(on: id, try await request.decodeJSON(API.ActionIn.self, context: context), by: caller)
        }
        v1.get("cases/:id/checks") { _, context in
            try await services.checks(of: try Self.uuidParameter(context, "id", field: "case"), by: try context.requireCaller())
        }
    }
}
