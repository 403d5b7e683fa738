/// A request the domain rules refuse (a case, an incident): which field is at fault, and how to put it right.
public struct RuleError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of refusal it is; the API maps it to an HTTP status.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The request is malformed or incomplete (400).
        public static let invalid = Code(rawValue: "invalid")
        /// The caller may not do this (403).
        public static let forbidden = Code(rawValue: "forbidden")
        /// The case or incident is not in a state that allows it (409).
        public static let conflict = Code(rawValue: "conflict")
        /// Something named does not exist (404).
        public static let notFound = Code(rawValue: "not-found")
    }

    public var code: Code
    public var field: String
    public var message: String

    public init(_ code: Code, field: String, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public static func invalid(_ field: String, _ message: String) -> RuleError { .init(.invalid, field: field, message) }
    public static func forbidden(_ field: String, _ message: String) -> RuleError { .init(.forbidden, field: field, message) }
    public static func conflict(_ field: String, _ message: String) -> RuleError { .init(.conflict, field: field, message) }

    public var description: String { "\(field): \(message)" }
}
