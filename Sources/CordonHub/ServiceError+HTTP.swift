import CordonServices
import Foundation
import Hummingbird

/// A service refusal as the JSON API answers it: an HTTP status and
/// `{"error": {"code": …, "field": …, "message": …, "items": […]}}`.
extension ServiceError: HTTPResponseError {
    public var status: HTTPResponse.Status {
        switch code {
        case .invalid: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict, .duplicate, .held: .conflict
        case .tooLarge: .contentTooLarge
        case .undecodable: .unprocessableContent
        case .busy: .tooManyRequests
        default: .badRequest
        }
    }

    private struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let field: String?
            let message: String
            let items: [Item]?
        }
        let error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(Body(error: .init(code: code.rawValue, field: field, message: message, items: items)))
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
