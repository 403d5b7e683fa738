import CordonDomain
import Foundation

/// Checks on free text and times that every use case shares.
enum Validation {
    /// A name: trimmed, 1 to 200 characters.
    static func name(_ name: String, field: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(trimmed.count) else {
            throw ServiceError.invalid(field, "\(field) must be 1 to 200 characters")
        }
        return trimmed
    }

    /// Required free text, trimmed, at most 10,000 characters; `message` says what to give.
    static func text(_ value: String, field: String, _ message: String? = nil) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...10_000).contains(trimmed.count) else {
            throw ServiceError.invalid(field, message.map { "\($0) (1 to 10,000 characters)" } ?? "\(field) must be 1 to 10,000 characters")
        }
        return trimmed
    }

    /// Optional free text of at most `limit` characters.
    static func note(_ value: String?, field: String, limit: Int = 2000) throws -> String {
        let text = value ?? ""
        guard text.count <= limit else { throw ServiceError.invalid(field, "\(field) is at most \(limit.formatted()) characters") }
        return text
    }

    /// An ISO 8601 time.
    static func date(_ text: String, field: String) throws -> Date {
        guard let date = RemovalOrderContent.parseDate(text) else {
            throw ServiceError.invalid(field, "\(field) must be an ISO 8601 time such as 2026-11-23T10:00:00Z")
        }
        return date
    }

    /// An ISO 3166 alpha-2 code, upper-cased.
    static func memberState(_ state: String?) throws -> String? {
        guard let state else { return nil }
        guard state.count == 2, state.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw ServiceError.invalid("memberState", "memberState is an ISO 3166 two-letter code such as DE")
        }
        return state.uppercased()
    }
}
