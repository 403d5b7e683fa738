import CordonDomain
import CordonServices
import Foundation
import Hummingbird

extension Hub {
    /// What members share during an active incident: hashes, URLs, match counts and notes.
    func addIncidentSharingRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.post("incidents/:id/hashes") { request, context in
            let caller = try context.requireCaller(.contributeToIncident, services)
            let id = try Self.uuidParameter(context, "id", field: "incident")
            let body = try await request.decodeJSON(API.Submission.self, context: context)
            return EditedResponse(status: .created, response: try await services.contributeHashes(body, to: id, by: caller))
        }
        v1.post("incidents/:id/urls") { request, context in
            let caller = try context.requireCaller(.contributeToIncident, services)
            let id = try Self.uuidParameter(context, "id", field: "incident")
            let body = try await request.decodeJSON(API.SharedURLIn.self, context: context)
            return EditedResponse(status: .created, response: try await services.shareURL(body, in: id, by: caller))
        }
        v1.get("incidents/:id/urls") { _, context in
            try await services.sharedURLs(of: try Self.uuidParameter(context, "id", field: "incident"), by: try context.requireCaller())
        }
        v1.post("incidents/:id/urls/:url/referral") { request, context in
            let caller = try context.requireCaller(.referIncidentURL, services)
            let id = try Self.uuidParameter(context, "id", field: "incident")
            guard let urlID = context.parameters.get("url").flatMap({ Int($0) }) else {
                throw ServiceError.invalid("url", "the shared URL's id is a whole number")
            }
            let body = try await request.decodeJSON(API.URLReferralIn.self, context: context)
            return EditedResponse(status: .created, response: try await services.referSharedURL(urlID, in: id, body, by: caller))
        }
        v1.post("incidents/:id/matches") { request, context in
            let caller = try context.requireCaller(.reportIncidentMatches, services)
            let id = try Self.uuidParameter(context, "id", field: "incident")
            try await services.reportMatches(try await request.decodeJSON(API.MatchReportIn.self, context: context), in: id, by: caller)
            return EditedResponse(status: .created, response: API.Accepted(accepted: true))
        }
        v1.post("incidents/:id/notes") { request, context in
            let caller = try context.requireCaller(.addIncidentNote, services)
            let id = try Self.uuidParameter(context, "id", field: "incident")
            try await services.addNote(try await request.decodeJSON(API.NoteIn.self, context: context), to: id, by: caller)
            return EditedResponse(status: .created, response: API.Accepted(accepted: true))
        }
    }
}
