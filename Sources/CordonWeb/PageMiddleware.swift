import CordonHub
import CordonServices
import CordonStore
import Foundation
import HTTPTypes
import Hummingbird

/// Headers on every page: a Content-Security-Policy that allows no inline script and no
/// other origin, no framing, no referrer.
struct PageHeaders: RouterMiddleware {
    typealias Context = HubRequestContext
    static let policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self'; "
        + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static let csp = HTTPField.Name("Content-Security-Policy")!
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[Self.csp] = Self.policy
        response.headers[Self.frameOptions] = "DENY"
        response.headers[Self.referrerPolicy] = "no-referrer"
        response.headers[Self.contentTypeOptions] = "nosniff"
        return response
    }
}

/// Refusals on pages as pages: a sign-in for the signed-out, a page naming the problem
/// (with its status: 403, 404, …) for the rest.
struct PageErrors: RouterMiddleware {
    typealias Context = HubRequestContext
    let pages: WebPages

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ServiceError {
            if error.code == .unauthorized, request.method == .get, context.session == nil {
                let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
                return WebPages.redirect("/login?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
            }
            let heading = switch error.code {
            case .forbidden: "Not allowed"
            case .notFound: "Not found"
            case .unauthorized: "Sign in first"
            default: "That did not work"
            }
            return pages.page("error", title: heading, ["heading": heading, "message": error.message], context: context,
                              status: error.status)
        }
    }
}

/// Opens the session a browser's cookie names; without a live one, the request is refused
/// (and a page redirects to sign-in).
struct SessionAuthenticator: RouterMiddleware {
    typealias Context = HubRequestContext
    let services: HubServices

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = request.cookies[WebPages.sessionCookie]?.value,
              let session = try await services.session(token: token) else {
            throw ServiceError.unauthorized("your session has ended or you have not signed in; sign in again")
        }
        var context = context
        context.session = session
        context.caller = session.caller
        return try await next(request, context)
    }
}
