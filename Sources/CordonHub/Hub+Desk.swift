import CordonDomain
import CordonServices
import CordonStore
import Foundation
import Hummingbird

extension Hub {
    /// De-confliction and holds, signing keys, webhooks and transparency reports.
    func addDeskRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.get("deconfliction") { request, context in
            let caller = try context.requireCaller()
            guard let url = Self.stringQuery(request, "url") else { throw ServiceError.invalid("url", "give ?url=…") }
            return try await services.deconflict(url, by: caller)
        }
        v1.post("holds") { request, context in
            let caller = try context.requireCaller(.placeHold, services)
            let body = try await request.decodeJSON(API.HoldIn.self, context: context)
            return EditedResponse(status: .created, response: try await services.placeHold(body, by: caller))
        }
        v1.get("holds") { _, context in try await services.holds(by: try context.requireCaller()) }
        v1.delete("holds/:id") { _, context -> HTTPResponse.Status in
            try await services.liftHold(try Self.uuidParameter(context, "id", field: "hold"), by: try context.requireCaller())
            return .noContent
        }

        v1.post("signing-keys") { request, context in
            let caller = try context.requireCaller(.registerSigningKey, services)
            let body = try await request.decodeJSON(API.SigningKeyIn.self, context: context)
            return EditedResponse(status: .created, response: try await services.registerSigningKey(body, by: caller))
        }
        v1.get("signing-keys") { request, context in
            try await services.signingKeys(of: try Self.uuidQuery(request, "organisation"), by: try context.requireCaller())
        }
        v1.delete("signing-keys/:id") { _, context -> HTTPResponse.Status in
            try await services.revokeSigningKey(try Self.uuidParameter(context, "id", field: "signing key"), by: try context.requireCaller())
            return .noContent
        }
        v1.get("hub-key") { _, context in try services.hubKey(by: try context.requireCaller()) }
        v1.get("hub-keys") { _, context in try services.hubKeys(by: try context.requireCaller()) }

        addWebhookRoutes(to: v1)

        v1.get("reports/transparency") { request, context -> Response in
            let caller = try context.requireCaller()
            let year = try Self.intQuery(request, "year", default: Calendar.current.component(.year, from: services.now()), range: 2000...2100)
            let format = Self.stringQuery(request, "format") ?? "json"
            guard ["json", "csv"].contains(format) else { throw ServiceError.invalid("format", "format must be json or csv") }
            let figures = try await services.transparency(of: try Self.uuidQuery(request, "organisation"), year: year, by: caller)
            guard format == "csv" else { return try figures.response(from: request, context: context) }
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: figures.csv)))
        }
    }
}
