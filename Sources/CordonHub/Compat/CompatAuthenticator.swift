import CordonDomain
import Foundation
import CordonInterop
import CordonServices
import Hummingbird

/// Authenticates the compatibility routes with a Cordon API key found where the imitated
/// service's clients put their credential (a header, a query parameter, an app token).
struct CompatAuthenticator: RouterMiddleware {
    typealias Context = HubRequestContext
    let services: HubServices
    /// Where the key is, and how to ask for it when it is missing.
    let secret: @Sendable (Request) -> String?
    let missing: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let secret = secret(request), !secret.isEmpty else { throw ServiceError.unauthorized(missing) }
        var context = context
        context.caller = try await services.caller(secret: secret)
        return try await next(request, context)
    }
}

/// HMA answers every refusal as `{"message": "…"}`; its clients branch on that text.
struct HMAErrorMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HMAError {
            return Hub.json(["message": error.message], status: .init(code: error.status))
        } catch let error as ServiceError {
            return Hub.json(["message": error.description], status: error.status)
        } catch let error as any HTTPResponseError {
            return Hub.json(["message": "\(error)"], status: error.status)
        }
    }
}

extension Hub {
    /// A JSON answer with sorted keys, for the shapes other tools expect.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
