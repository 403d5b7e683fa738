import Foundation
import Hummingbird
import Synchronization

/// Answers a request whose path is served but not with its method `405 Method Not Allowed`,
/// naming the methods that are (`Allow`), where the router alone would answer 404 as if the
/// path did not exist.
struct MethodGuard<Context: RequestContext>: RouterMiddleware {
    let routes: RouteMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError where error.status == .notFound && [nil, "NotFound"].contains(context.endpointPath) {
            // (Hummingbird's not-found responder names its endpoint "NotFound"; a route's own
            // 404, for a missing record, names the route.)
            let allowed = routes.methods(for: request.uri.path)
            guard !allowed.isEmpty, !(request.method == .head && allowed.contains("GET")) else { throw error }
            let list = allowed.sorted().joined(separator: ", ")
            // Encoded, not interpolated: the path is the caller's and may hold quotes.
            let body = try JSONEncoder().encode(["error": [
                "code": "method-not-allowed", "field": "method", "message": "\(request.uri.path) takes \(list), not \(request.method.rawValue)",
            ]])
            return Response(status: .methodNotAllowed, headers: [.allow: list, .contentType: "application/json; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }
}

/// Which methods each route template takes: filled once the router has every route.
final class RouteMethods: Sendable {
    private let templates = Mutex<[(segments: [Substring], method: String)]>([])

    func record(_ routes: some Sequence<(path: String, method: String)>) {
        templates.withLock { table in
            table = routes.map { (segments: $0.path.split(separator: "/"), method: $0.method) }
        }
    }

    /// The methods of every template `path` fits (a `:name` or `{name}` segment fits any one segment).
    func methods(for path: String) -> Set<String> {
        let segments = path.split(separator: "/")
        return templates.withLock { table in
            Set(table.filter { template in
                template.segments.count == segments.count && zip(template.segments, segments).allSatisfy { pattern, segment in
                    pattern == segment || pattern.hasPrefix(":") || pattern.hasPrefix("{")
                }
            }.map(\.method))
        }
    }
}
