import CordonDomain
import CordonStore
import Foundation

/// The one error a use case throws: what kind of refusal, the field at fault, and how to
/// put it right. Each surface renders it its own way (the JSON API as
/// `{"error": {"code", "field", "message"}}` with an HTTP status, a page beside the
/// field, the command line on stderr).
public struct ServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of refusal it is.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The request is malformed or incomplete.
        public static let invalid = Code(rawValue: "invalid")
        /// No valid key or session.
        public static let unauthorized = Code(rawValue: "unauthorized")
        /// The caller may not do this.
        public static let forbidden = Code(rawValue: "forbidden")
        /// Nothing of that name exists, or the caller may not know it does.
        public static let notFound = Code(rawValue: "not-found")
        /// The object is not in a state that allows it.
        public static let conflict = Code(rawValue: "conflict")
        /// A URL is already covered by another case.
        public static let duplicate = Code(rawValue: "duplicate")
        /// A URL is under a do-not-refer hold.
        public static let held = Code(rawValue: "held")
        /// The body is over the size allowed.
        public static let tooLarge = Code(rawValue: "too-large")
        /// The upload is not media that can be decoded.
        public static let undecodable = Code(rawValue: "undecodable")
        /// Too much at once from this caller: send it again later.
        public static let busy = Code(rawValue: "busy")
    }

    public var code: Code
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

    public init(_ code: Code, field: String? = nil, message: String, items: [Item]? = nil) {
        self.code = code
        self.field = field
        self.message = message
        self.items = items
    }

    public var description: String { field.map { "\($0): \(message)" } ?? message }

    public static func unauthorized(_ message: String) -> ServiceError {
        ServiceError(.unauthorized, field: "authorization", message: message)
    }

    public static func forbidden(_ message: String, field: String? = nil) -> ServiceError {
        ServiceError(.forbidden, field: field, message: message)
    }

    public static func invalid(_ field: String, _ message: String) -> ServiceError {
        ServiceError(.invalid, field: field, message: message)
    }

    public static func notFound(_ field: String, _ message: String) -> ServiceError {
        ServiceError(.notFound, field: field, message: message)
    }

    public static func conflict(_ field: String, _ message: String) -> ServiceError {
        ServiceError(.conflict, field: field, message: message)
    }

    /// A case refused by de-confliction: one item per URL covered.
    public init(_ error: DeconflictionError) {
        self.init(error.held ? .held : .duplicate, field: "urls", message: error.held
            ? "a URL is under a do-not-refer hold linked to an investigation"
            : "a URL is already covered by another case; see the items, and send \"override\": true to issue anyway")
        items = error.items.map { Item(index: $0.index, field: "urls[\($0.index)]", message: $0.message) }
    }

    /// A store refusal.
    public init(_ error: StoreError) {
        switch error {
        case .notFound(let field, let message): self.init(.notFound, field: field, message: message)
        case .conflict(let field, let message): self.init(.conflict, field: field, message: message)
        case .forbidden(let field, let message): self.init(.forbidden, field: field, message: message)
        case .invalid(let field, let message): self.init(.invalid, field: field, message: message)
        }
    }

    /// A domain rule's refusal.
    public init(_ error: RuleError) {
        self.init(StoreError(error))
    }
}
