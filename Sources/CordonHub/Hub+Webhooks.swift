import CordonDomain
import CordonServices
import Foundation
import Hummingbird

extension Hub {
    /// Webhooks: create, list, revoke, send a test, read deliveries, retry a dead one.
    /// A mirror mounts them too, for its verdicts.
    public func addWebhookRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.post("webhooks") { request, context in
            let caller = try context.requireCaller(.createWebhook, services)
            let body = try await request.decodeJSON(API.WebhookIn.self, context: context)
            return EditedResponse(status: .created, response: try await services.createWebhook(body, by: caller))
        }
        v1.get("webhooks") { _, context in try await services.webhooks(by: try context.requireCaller()) }
        v1.delete("webhooks/:id") { _, context -> HTTPResponse.Status in
            try await services.revokeWebhook(try Self.uuidParameter(context, "id", field: "webhook"), by: try context.requireCaller())
            return .noContent
        }
        v1.post("webhooks/:id/test") { _, context in
            let caller = try context.requireCaller()
            return EditedResponse(status: .accepted,
                                  response: try await services.testWebhook(try Self.uuidParameter(context, "id", field: "webhook"), by: caller))
        }
        v1.post("webhooks/:id/deliveries/:delivery/retry") { _, context in
            let caller = try context.requireCaller()
            let delivery = try Self.intParameter(context, "delivery", field: "delivery")
            return EditedResponse(status: .accepted, response: try await services.retryDelivery(
                delivery, of: try Self.uuidParameter(context, "id", field: "webhook"), by: caller))
        }
        v1.get("webhooks/:id/deliveries") { request, context in
            let caller = try context.requireCaller()
            return try await services.deliveries(
                of: try Self.uuidParameter(context, "id", field: "webhook"), state: Self.stringQuery(request, "state"),
                limit: try Self.intQuery(request, "limit", default: 100, range: 1...1000), by: caller)
        }
    }
}
