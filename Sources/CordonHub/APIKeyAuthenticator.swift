import CordonServices
import Hummingbird

/// Every request must carry a valid, unrevoked API key: `Authorization: Bearer cdn_…`.
/// Its answer is marked `Cache-Control: no-store`.
struct APIKeyAuthenticator: RouterMiddleware {
    typealias Context = HubRequestContext
    let services: HubServices

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw ServiceError.unauthorized("this request has no API key: send 'Authorization: Bearer cdn_…'")
        }
        // The scheme is case-insensitive (RFC 9110); compared without lower-casing the header.
        let scheme = "bearer ".utf8
        guard header.utf8.prefix(scheme.count).elementsEqual(scheme, by: { $0 | 0x20 == $1 }),
              case let secret = String(header.dropFirst(scheme.count)), !secret.isEmpty else {
            throw ServiceError.unauthorized("the Authorization header must be 'Bearer ' followed by the API key")
        }
        var context = context
        context.caller = try await services.caller(secret: secret)
        var response = try await next(request, context)
        // Answers to a keyed request are the caller's (a new key's or webhook's secret
        // among them): no shared cache or browser history keeps them.
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
