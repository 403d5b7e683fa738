import CordonDomain
import CordonServices
import Foundation
import Hummingbird

extension Hub {
    /// DSA Art. 16 notices and the register of trusted flaggers.
    func addNoticeRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.post("notices") { request, context in
            let caller = try context.requireCaller(.submitNotice, services)
            let body = try await request.decodeJSON(API.NoticeIn.self, context: context)
            return EditedResponse(status: .created, response: try await services.submitNotice(body, by: caller))
        }
        v1.get("notices") { request, context in
            let open = try Self.stringQuery(request, "state").map { state -> Bool in
                guard ["open", "decided"].contains(state) else {
                    throw ServiceError.invalid("state", "state is open or decided; got '\(state)'")
                }
                return state == "open"
            }
            return try await services.notices(open: open, limit: try Self.intQuery(request, "limit", default: 200, range: 1...1000),
                                              by: try context.requireCaller())
        }
        v1.get("notices/:id") { _, context in
            try await services.notice(try Self.intParameter(context, "id", field: "notice"), by: try context.requireCaller())
        }
        v1.post("notices/:id/decision") { request, context in
            let caller = try context.requireCaller(.decideNotice, services)
            let id = try Self.intParameter(context, "id", field: "notice")
            return try await services.decideNotice(id, try await request.decodeJSON(API.NoticeDecisionIn.self, context: context), by: caller)
        }
        v1.get("trusted-flaggers") { _, context in try await services.trustedFlaggers(by: try context.requireCaller()) }
        v1.put("trusted-flaggers/:id") { request, context in
            let caller = try context.requireCaller(.registerTrustedFlagger, services)
            let id = try Self.uuidParameter(context, "id", field: "organisation")
            return try await services.registerTrustedFlagger(id, try await request.decodeJSON(API.TrustedFlaggerIn.self, context: context), by: caller)
        }
        v1.post("trusted-flaggers/:id/suspension") { request, context in
            let caller = try context.requireCaller(.registerTrustedFlagger, services)
            let id = try Self.uuidParameter(context, "id", field: "organisation")
            let body = try await request.decodeJSON(API.SuspensionIn.self, context: context)
            return try await services.suspendTrustedFlagger(id, reason: body.reason, by: caller)
        }
        v1.delete("trusted-flaggers/:id/suspension") { _, context in
            let caller = try context.requireCaller(.registerTrustedFlagger, services)
            return try await services.suspendTrustedFlagger(try Self.uuidParameter(context, "id", field: "organisation"), reason: nil, by: caller)
        }
        v1.get("trusted-flaggers/:id/report") { request, context in
            let caller = try context.requireCaller()
            let year = try Self.intQuery(request, "year", default: Calendar(identifier: .gregorian).component(.year, from: services.now()), range: 2000...2100)
            return try await services.flaggerReport(try Self.uuidParameter(context, "id", field: "organisation"), year: year, by: caller)
        }
    }
}
