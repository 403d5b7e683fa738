import CordonStore
import Hummingbird

/// Every request must carry a valid, unrevoked API key: `Authorization: Bearer cdn_…`.
struct APIKeyAuthenticator: RouterMiddleware {
    typealias Context = HubRequestContext
    let access: AccessCache

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("this request has no API key: send 'Authorization: Bearer cdn_…'")
        }
        guard header.hasPrefix("Bearer "), case let secret = String(header.dropFirst("Bearer ".count)), !secret.isEmpty else {
            throw APIError.unauthorized("the Authorization header must be 'Bearer ' followed by the API key")
        }
        guard let caller = try await access.caller(secret: secret) else {
            throw APIError.unauthorized("this API key is unknown or has been revoked")
        }
        var context = context
        context.caller = caller
        return try await next(request, context)
    }
}
