import CordonServices
import Foundation
import Hummingbird
import Logging

/// Gives every request an id (the caller's `X-Request-Id` if it is a plain token, else a
/// new one), answers with it, logs one line per request (id, method, route, status,
/// milliseconds: never a header, a body or a query, where keys and personal data travel)
/// and counts it in the metrics by route, so `/v1/cases/{id}` is one series, not one a case.
/// A success is logged at `debug` (at tens of thousands of matches a second a line each
/// would cost more than the match; the metrics count them), a refusal at `info`, a failure
/// at `error`.
struct RequestObserver<Context: RequestContext>: RouterMiddleware {
    let metrics: HubMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let id = request.headers[.requestID].flatMap(Self.acceptable) ?? UUID().uuidString.lowercased()
        var context = context
        context.logger[metadataKey: "request_id"] = .string(id)
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = id
            record(request, context, status: Int(response.status.code), since: started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError).map { Int($0.status.code) } ?? 500
            record(request, context, status: status, since: started)
            throw RequestFailure(error: error, requestID: id)
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let route = context.endpointPath ?? "unmatched"
        metrics.request(route: route, method: request.method.rawValue, status: status, duration: elapsed)
        let milliseconds = Double(elapsed.components.attoseconds / 1_000_000_000_000) / 1000 + Double(elapsed.components.seconds) * 1000
        context.logger.log(level: status >= 500 ? .error : status >= 400 ? .info : .debug, "request", metadata: [
            "method": .string(request.method.rawValue), "route": .string(route),
            "status": .stringConvertible(status), "ms": .stringConvertible(milliseconds),
        ])
    }

    /// Up to 64 letters, digits, dots, dashes and underscores: anything else could forge
    /// log lines or carry data.
    static func acceptable(_ value: String) -> String? {
        guard (1...64).contains(value.utf8.count),
              value.utf8.allSatisfy({ $0.isASCIILetterOrDigit || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") })
        else { return nil }
        return value
    }
}

/// An error on its way out, carrying the request id for its answer.
struct RequestFailure: HTTPResponseError {
    let error: any Error
    let requestID: String

    var status: HTTPResponse.Status { (error as? any HTTPResponseError)?.status ?? .internalServerError }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response: Response
        if let error = error as? any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } else {
            response = Response(status: .internalServerError, headers: [.contentType: "application/json; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"code":"internal","message":"the hub failed; the request id is in X-Request-Id"}}"#)))
        }
        response.headers[.requestID] = requestID
        return response
    }
}

private extension UInt8 {
    var isASCIILetterOrDigit: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}
