import CordonDomain
import CordonServices
import Foundation
import HTTPTypes
import Hummingbird

extension Hub {
    func addCollectionRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.get("collections") { _, context in try await services.collections(try context.requireCaller()) }
        v1.post("collections") { request, context in
            let caller = try context.requireCaller(.createCollection, services)
            let body = try await request.decodeJSON(API.NewCollection.self, context: context)
            return EditedResponse(status: .created, response: try await services.createCollection(body, by: caller))
        }
        v1.put("collections/:id/members/:organisation") { request, context -> HTTPResponse.Status in
            let caller = try context.requireCaller(.manageMembers, services)
            let collection = try Self.uuidParameter(context, "id", field: "collection")
            let organisation = try Self.uuidParameter(context, "organisation", field: "organisation")
            let body = try await request.decodeJSON(API.Membership.self, context: context)
            try await services.setMembership(collection, of: organisation, body, by: caller)
            return .noContent
        }
        v1.delete("collections/:id/members/:organisation") { _, context -> HTTPResponse.Status in
            let caller = try context.requireCaller()
            let collection = try Self.uuidParameter(context, "id", field: "collection")
            let organisation = try Self.uuidParameter(context, "organisation", field: "organisation")
            try await services.removeMembership(collection, of: organisation, by: caller)
            return .noContent
        }
    }

    /// `GET /v1/signals/{id}`, which mirrors serve too.
    func addSignalReadRoute(to v1: RouterGroup<HubRequestContext>) {
        v1.get("signals/:id") { _, context in
            try await services.signal(try Self.intParameter(context, "id", field: "signal"), by: try context.requireCaller())
        }
    }

    func addSignalRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.post("collections/:id/signals") { request, context in
            let caller = try context.requireCaller(.submitSignals, services)
            let collection = try Self.uuidParameter(context, "id", field: "collection")
            if UploadFile.isMedia(request) {
                let template = try Self.uploadTemplate(request)
                let result = try await UploadFile.receive(request, limit: UploadFile.limit(request, context: context, media: services.configuration.media)) { path in
                    try await services.submit(uploadAt: path, as: template, to: collection, by: caller)
                }
                return EditedResponse(status: .created, response: result)
            }
            let body = try await request.decodeJSON(API.Submission.self, context: context)
            // `Prefer: return=minimal` (RFC 7240): outcomes and ids only, for bulk loaders
            // that need no echo of what they sent.
            let minimal = request.headers[values: .prefer].contains { $0.contains("return=minimal") }
            return EditedResponse(status: .created, response: try await services.submit(body, to: collection, minimal: minimal, by: caller))
        }
        addSignalReadRoute(to: v1)
        v1.post("signals/:id/retract") { _, context in
            try await services.retract(try Self.intParameter(context, "id", field: "signal"), by: try context.requireCaller())
        }
        v1.post("signals/:id/feedback") { request, context in
            let caller = try context.requireCaller(.giveFeedback, services)
            let id = try Self.intParameter(context, "id", field: "signal")
            return try await services.feedback(on: id, try await request.decodeJSON(API.NewFeedback.self, context: context), by: caller)
        }
    }
}
