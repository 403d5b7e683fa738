import Foundation

extension API {
    /// A command from loose fields (a web form's, the demo's): encoded as JSON and decoded as
    /// the API decodes a body, so it is checked exactly as the JSON API checks it.
    public static func command<T: Decodable>(_ type: T.Type, _ fields: [String: Any]) throws -> T {
        try decode(T.self, body: try JSONSerialization.data(withJSONObject: fields))
    }

    /// A command from a JSON body: its nesting checked first (``JSONNesting``), and every
    /// failure a 400 that names the field (`body` for the whole).
    public static func decode<T: Decodable>(_ type: T.Type, body data: Data) throws(ServiceError) -> T {
        do {
            return try JSONDecoder().decode(T.self, fromUntrusted: data)
        } catch let error as DecodingError {
            throw ServiceError.invalid(error.fieldPath, error.explanation)
        } catch let error as JSONNestingError {
            throw ServiceError.invalid("body", error.description)
        } catch {
            throw ServiceError.invalid("body", "\(error)")
        }
    }
}

extension DecodingError {
    /// The field a decoding failure is about, as `a.b[2].c` (`body` for the whole).
    public var fieldPath: String {
        let path: [any CodingKey]
        switch self {
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): path = context.codingPath
        @unknown default: path = []
        }
        let text = path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "body" : text)
    }

    /// What was wrong, in words for the caller.
    public var explanation: String {
        switch self {
        case .keyNotFound(let key, _): "'\(key.stringValue)' is required"
        case .typeMismatch(let type, _): "expected \(Self.name(type))"
        case .valueNotFound(let type, _): "expected \(Self.name(type)), got null"
        case .dataCorrupted(let context):
            context.codingPath.isEmpty ? "the body is not valid JSON" : context.debugDescription
        @unknown default: "cannot be read"
        }
    }

    private static func name(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "a value of type \(type)"
        }
    }
}
