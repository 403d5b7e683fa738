import CordonServices
import Foundation
import Hummingbird

extension Request {
    /// Decodes a JSON body, turning every decoding failure into a 400 that names the field.
    func decodeJSON<T: Decodable>(_ type: T.Type, context: HubRequestContext) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: context.maxUploadSize)
        } catch {
            throw ServiceError(.tooLarge, field: "body",
                           message: "the body is over \(context.maxUploadSize / 1_048_576) MiB; send fewer items per request")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw ServiceError.invalid(error.fieldPath, error.explanation)
        }
    }
}

extension DecodingError {
    var fieldPath: String {
        let path: [any CodingKey]
        switch self {
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): path = context.codingPath
        @unknown default: path = []
        }
        let text = path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "body" : text)
    }

    var explanation: String {
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
