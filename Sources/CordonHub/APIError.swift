import CordonStore
import Foundation
import Hummingbird

/// The hub's one error type: an HTTP status and a JSON body that names the field at fault
/// and says how to fix it: `{"error": {"code": …, "field": …, "message": …}}`.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var field: String?
    public var message: String
    /// Per-item problems of a bulk request.
    public var items: [Item]?

    /// A problem with one item of a bulk request.
    public struct Item: Codable, Sendable, Hashable {
        public var index: Int
        public var field: String
        public var message: String
    }

    public init(_ status: HTTPResponse.Status, code: String, field: String? = nil, message: String) {
        self.status = status
        self.code = code
        self.field = field
        self.message = message
    }

    struct Body: Encodable {
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
        let data = try encoder.encode(Body(error: .init(code: code, field: field, message: message, items: items)))
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, code: "unauthorized", field: "authorization", message: message)
    }

    static func forbidden(_ message: String, field: String? = nil) -> APIError {
        APIError(.forbidden, code: "forbidden", field: field, message: message)
    }

    static func invalid(_ field: String, _ message: String) -> APIError {
        APIError(.badRequest, code: "invalid", field: field, message: message)
    }

    static func notFound(_ field: String, _ message: String) -> APIError {
        APIError(.notFound, code: "not-found", field: field, message: message)
    }

    /// A case refused by de-confliction: 409, one item per URL covered.
    init(_ error: DeconflictionError) {
        self.init(.conflict, code: error.held ? "held" : "duplicate", field: "urls", message: error.held
            ? "a URL is under a do-not-refer hold linked to an investigation"
            : "a URL is already covered by another case; see the items, and send \"override\": true to issue anyway")
        items = error.items.map { Item(index: $0.index, field: "urls[\($0.index)]", message: $0.message) }
    }

    /// The API form of a store refusal.
    init(_ error: StoreError) {
        switch error {
        case .notFound(let field, let message): self.init(.notFound, code: "not-found", field: field, message: message)
        case .conflict(let field, let message): self.init(.conflict, code: "conflict", field: field, message: message)
        case .forbidden(let field, let message): self.init(.forbidden, code: "forbidden", field: field, message: message)
        case .invalid(let field, let message): self.init(.badRequest, code: "invalid", field: field, message: message)
        }
    }
}
