import CordonDomain
import CordonServices
import Foundation
import Hummingbird

extension Hub {
    /// Partners' campaigns, their reach, and those tagged for an incident.
    func addCampaignRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.get("campaigns") { _, context in try await services.listCampaigns(by: try context.requireCaller()) }
        v1.post("campaigns") { request, context in
            let caller = try context.requireCaller(.createCampaign, services)
            let body = try await request.decodeJSON(API.CampaignIn.self, context: context)
            return EditedResponse(status: .created, response: try await services.createCampaign(body, by: caller))
        }
        v1.get("campaigns/:id") { _, context in
            try await services.campaign(try Self.uuidParameter(context, "id", field: "campaign"), by: try context.requireCaller())
        }
        v1.put("campaigns/:id") { request, context in
            let caller = try context.requireCaller(.updateCampaign, services)
            let id = try Self.uuidParameter(context, "id", field: "campaign")
            return try await services.updateCampaign(id, try await request.decodeJSON(API.CampaignIn.self, context: context), by: caller)
        }
        v1.post("campaigns/:id/withdraw") { _, context in
            try await services.withdrawCampaign(try Self.uuidParameter(context, "id", field: "campaign"), by: try context.requireCaller())
        }
        v1.post("campaigns/:id/reach") { request, context in
            let caller = try context.requireCaller(.reportReach, services)
            let id = try Self.uuidParameter(context, "id", field: "campaign")
            return try await services.reportReach(id, try await request.decodeJSON(API.ReachIn.self, context: context), by: caller)
        }
        v1.get("campaigns/:id/reach") { _, context in
            try await services.reach(of: try Self.uuidParameter(context, "id", field: "campaign"), by: try context.requireCaller())
        }
        v1.get("incidents/:id/campaigns") { _, context in
            let caller = try context.requireCaller(.readIncident, services)
            return try await services.campaigns(forIncident: try Self.uuidParameter(context, "id", field: "incident"), by: caller)
        }
    }
}
