import CordonDomain
import CordonServices
import Foundation
import Hummingbird

extension Hub {
    func addMatchRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.post("match") { request, context in
            let caller = try context.requireCaller(.match, services)
            let incident = try Self.uuidQuery(request, "incident")
            // An image only when the request says so (as the OpenAPI document does): curl's
            // `-d` labels JSON as a form, and that must still be read as JSON.
            if let type = request.headers[.contentType], type.hasPrefix("image/") || type.hasPrefix("application/octet-stream") {
                let buffer: ByteBuffer
                do {
                    buffer = try await request.body.collect(upTo: context.maxUploadSize)
                } catch {
                    throw ServiceError(.tooLarge, field: "body", message: "the image is over \(context.maxUploadSize / 1_048_576) MiB")
                }
                let maxDistance = try request.uri.queryParameters.get("maxDistance").map { _ in
                    try Self.intQuery(request, "maxDistance", default: 0, range: 0...Int.max)
                }
                return try await services.match(upload: Array(buffer.readableBytesView), maxDistance: maxDistance,
                                                incident: incident, by: caller)
            }
            let query = try await request.decodeJSON(API.MatchQuery.self, context: context)
            return try await services.match(query, incident: incident, by: caller)
        }
    }
}
