import CordonHub
import CordonServices
import CordonStore
import Foundation
import Hummingbird
import NIOCore

/// The review desk over HTTP: uploads, the queue, decisions, undo, the verdict feed,
/// repeat uploaders and statements of reasons.
extension Mirror {
    func addReviewRoutes(to v1: RouterGroup<HubRequestContext>) {
        let desk = desk
        v1.post("uploads") { request, context in
            let caller = try context.requireCaller()
            // The file itself as the body (an image or a video), its ids in the query; hashed, matched, not kept.
            if UploadFile.isMedia(request) {
                let limit = UploadFile.limit(request, context: context, media: desk.services.configuration.media)
                return EditedResponse(status: .created, response: try await UploadFile.receive(request, limit: limit) { path in
                    try await desk.record(fileAt: path, contentID: Hub.stringQuery(request, "contentID"),
                                          accountID: Hub.stringQuery(request, "accountID"),
                                          clientContext: Hub.stringQuery(request, "client_context"), by: caller)
                })
            }
            let upload = try await request.decodeJSON(UploadIn.self, context: context)
            return EditedResponse(status: .created, response: try await desk.record(upload, by: caller))
        }
        v1.get("review") { request, context in
            let order = Hub.stringQuery(request, "order") ?? "newest"
            guard let ordering = HubStore.ReviewOrder(rawValue: order) else {
                throw ServiceError.invalid("order", "order is newest or priority; got '\(order)'")
            }
            return try await desk.cases(
                state: Hub.stringQuery(request, "state"), order: ordering, cursor: Hub.stringQuery(request, "cursor"),
                limit: try Hub.intQuery(request, "limit", default: 100, range: 1...1000), by: try context.requireCaller())
        }
        v1.get("review/accounts") { request, context in
            RepeatUploaderPage(accounts: try await desk.repeatUploaders(
                days: try Hub.intQuery(request, "days", default: 30, range: 1...366),
                limit: try Hub.intQuery(request, "limit", default: 100, range: 1...1000), by: try context.requireCaller()))
        }
        v1.get("review/statements") { request, context -> Response in
            let format = Hub.stringQuery(request, "format") ?? "json"
            guard ["json", "jsonl"].contains(format) else { throw ServiceError.invalid("format", "format is json or jsonl; got '\(format)'") }
            let page = try await desk.statements(
                after: try Hub.intQuery(request, "after", default: 0, range: 0...Int.max),
                limit: try Hub.intQuery(request, "limit", default: 100, range: 1...1000), by: try context.requireCaller())
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            guard format == "jsonl" else {
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(page))))
            }
            var lines = ""
            for statement in page.statements { lines += String(decoding: try encoder.encode(statement), as: UTF8.self) + "\n" }
            var headers: HTTPFields = [.contentType: "application/jsonl; charset=utf-8"]
            if let next = page.next { headers[.init("Cordon-Next-After")!] = String(next) }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: lines)))
        }
        v1.post("review/decisions") { request, context in
            let command = try await request.decodeJSON(BulkDecisionIn.self, context: context)
            return ReviewPage(cases: try await desk.decide(command, by: try context.requireCaller()))
        }
        v1.get("review/:id") { _, context in
            try await desk.reviewCase(try Hub.intParameter(context, "id", field: "case"), by: try context.requireCaller())
        }
        v1.post("review/:id/decision") { request, context in
            let command = try await request.decodeJSON(DecisionIn.self, context: context)
            return try await desk.decide(try Hub.intParameter(context, "id", field: "case"), command, by: try context.requireCaller())
        }
        v1.post("review/:id/appeal") { request, context in
            let command = try await request.decodeJSON(AppealIn.self, context: context)
            return try await desk.appeal(try Hub.intParameter(context, "id", field: "case"), command, by: try context.requireCaller())
        }
        v1.post("review/:id/undo") { _, context in
            try await desk.undo(try Hub.intParameter(context, "id", field: "case"), by: try context.requireCaller())
        }
        v1.get("verdicts") { request, context in
            try await desk.verdicts(since: try Hub.intQuery(request, "since", default: 0, range: 0...Int.max),
                                    limit: try Hub.intQuery(request, "limit", default: 100, range: 1...1000), by: try context.requireCaller())
        }
    }
}

/// `POST /v1/review/decisions`: the cases as decided.
struct ReviewPage: Codable, Sendable, ResponseEncodable {
    var cases: [CaseOut]
}

/// `GET /v1/review/accounts`.
struct RepeatUploaderPage: Codable, Sendable, ResponseEncodable {
    var accounts: [HubStore.RepeatUploader]
}
