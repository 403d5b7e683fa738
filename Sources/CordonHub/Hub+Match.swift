import CordonDomain
import CordonServices
import Foundation
import Hummingbird

extension Hub {
    func addMatchRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.post("match") { request, context in
            let caller = try context.requireCaller(.match, services)
            let incident = try Self.uuidQuery(request, "incident")
            if UploadFile.isMedia(request) {
                let settings = try Self.matchSettings(request)
                return try await UploadFile.receive(request, limit: UploadFile.limit(request, context: context, media: services.configuration.media)) { path in
                    try await services.match(uploadAt: path, settings: settings, incident: incident, by: caller)
                }
            }
            let query = try await request.decodeJSON(API.MatchQuery.self, context: context)
            return try await services.match(query, incident: incident, by: caller)
        }
        v1.get("match/counts") { request, context in
            let caller = try context.requireCaller(.match, services)
            return try await services.matchCounts(days: try Self.intQuery(request, "days", default: 14, range: 1...366), by: caller)
        }
    }
}
