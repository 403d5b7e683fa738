import CordonDomain
import CordonServices
import Foundation
import Hummingbird

extension Hub {
    /// Complaints, scrutiny of cross-border orders, and preservation of removed content.
    func addCaseReviewRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.post("cases/:id/complaints") { request, context in
            let caller = try context.requireCaller(.fileComplaint, services)
            let id = try Self.uuidParameter(context, "id", field: "case")
            let body = try await request.decodeJSON(API.ComplaintIn.self, context: context)
            return EditedResponse(status: .created, response: try await services.fileComplaint(on: id, body, by: caller))
        }
        v1.get("cases/:id/complaints") { _, context in
            try await services.complaints(of: try Self.uuidParameter(context, "id", field: "case"), by: try context.requireCaller())
        }
        v1.post("complaints/:id/decision") { request, context in
            let caller = try context.requireCaller(.decideComplaint, services)
            let id = try Self.uuidParameter(context, "id", field: "complaint")
            return try await services.decideComplaint(id, try await request.decodeJSON(API.DecisionIn.self, context: context), by: caller)
        }
        v1.post("orders/:id/scrutiny") { request, context in
            let caller = try context.requireCaller(.requestScrutiny, services)
            let id = try Self.uuidParameter(context, "id", field: "order")
            return try await services.requestScrutiny(of: id, try await request.decodeJSON(API.ScrutinyRequestIn.self, context: context), by: caller)
        }
        v1.post("orders/:id/scrutiny/decision") { request, context in
            let caller = try context.requireCaller(.decideScrutiny, services)
            let id = try Self.uuidParameter(context, "id", field: "order")
            return try await services.decideScrutiny(of: id, try await request.decodeJSON(API.DecisionIn.self, context: context), by: caller)
        }
        v1.post("cases/:id/preservations") { request, context in
            let caller = try context.requireCaller(.preserve, services)
            let id = try Self.uuidParameter(context, "id", field: "case")
            let body = try await request.decodeJSON(API.PreservationIn.self, context: context)
            return EditedResponse(status: .created, response: try await services.preserve(id, body, by: caller))
        }
        v1.get("cases/:id/preservations") { _, context in
            try await services.preservations(of: try Self.uuidParameter(context, "id", field: "case"), by: try context.requireCaller())
        }
        v1.get("preservations/:id/evidence") { _, context -> Response in
            let caller = try context.requireCaller()
            let bytes = try await services.evidence(try Self.uuidParameter(context, "id", field: "preservation"), by: caller)
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        v1.post("preservations/:id/legal-hold") { request, context in
            let caller = try context.requireCaller(.placeLegalHold, services)
            let id = try Self.uuidParameter(context, "id", field: "preservation")
            return try await services.placeLegalHold(on: id, try await request.decodeJSON(API.LegalHoldIn.self, context: context), by: caller)
        }
    }
}
