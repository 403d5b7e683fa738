import CordonHub
import CordonServices
import Foundation
import Hummingbird

/// The review desk over HTTP: uploads, the queue, decisions and the verdict feed.
extension Mirror {
    func addReviewRoutes(to v1: RouterGroup<HubRequestContext>) {
        let desk = desk
        v1.post("uploads") { request, context in
            let upload = try await request.decodeJSON(UploadIn.self, context: context)
            return EditedResponse(status: .created, response: try await desk.record(upload, by: try context.requireCaller()))
        }
        v1.get("review") { request, context in
            let before = try request.uri.queryParameters.get("before").map { text -> Int in
                guard let id = Int(text) else { throw ServiceError.invalid("before", "before is a case id") }
                return id
            }
            return ReviewPage(cases: try await desk.cases(
                state: Hub.stringQuery(request, "state"), before: before,
                limit: try Hub.intQuery(request, "limit", default: 100, range: 1...1000), by: try context.requireCaller()))
        }
        v1.get("review/:id") { _, context in
            try await desk.reviewCase(try Hub.intParameter(context, "id", field: "case"), by: try context.requireCaller())
        }
        v1.post("review/:id/decision") { request, context in
            let command = try await request.decodeJSON(DecisionIn.self, context: context)
            return try await desk.decide(try Hub.intParameter(context, "id", field: "case"), command, by: try context.requireCaller())
        }
        v1.get("verdicts") { request, context in
            try await desk.verdicts(since: try Hub.intQuery(request, "since", default: 0, range: 0...Int.max),
                                    limit: try Hub.intQuery(request, "limit", default: 100, range: 1...1000), by: try context.requireCaller())
        }
    }
}

/// `GET /v1/review`.
struct ReviewPage: Codable, Sendable, ResponseEncodable {
    var cases: [CaseOut]
}
