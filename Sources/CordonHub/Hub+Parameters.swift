import CordonDomain
import CordonServices
import Foundation
import Hummingbird

/// Reading path and query parameters, with a 400 naming the parameter when one is malformed.
extension Hub {
    static func uuidParameter(_ context: HubRequestContext, _ name: String, field: String) throws -> UUID {
        guard let text = context.parameters.get(name), let id = UUID(uuidString: text) else {
            throw ServiceError.invalid(field, "\(field) id must be a UUID")
        }
        return id
    }

    public static func intParameter(_ context: HubRequestContext, _ name: String, field: String) throws -> Int {
        guard let text = context.parameters.get(name), let id = Int(text) else {
            throw ServiceError.invalid(field, "\(field) id must be a whole number")
        }
        return id
    }

    public static func intQuery(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw ServiceError.invalid(name, "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    static func uuidQuery(_ request: Request, _ name: String) throws -> UUID? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let id = UUID(uuidString: String(text)) else { throw ServiceError.invalid(name, "\(name) must be a UUID") }
        return id
    }

    /// `before`, the `next` of the previous page of a list that pages by time.
    static func beforeQuery(_ request: Request) throws -> Date? {
        guard let text = request.uri.queryParameters.get("before") else { return nil }
        guard let date = RemovalOrderContent.parseDate(String(text)) else {
            throw ServiceError.invalid("before", "before must be an ISO 8601 time (the 'next' of the previous page)")
        }
        return date
    }

    static func boolQuery(_ request: Request, _ name: String, default value: Bool) throws -> Bool {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let flag = Bool(String(text).lowercased()) else { throw ServiceError.invalid(name, "\(name) is true or false") }
        return flag
    }

    public static func stringQuery(_ request: Request, _ name: String) -> String? {
        request.uri.queryParameters.get(name).map { String($0) }
    }

    static func enumQuery<T: RawRepresentable & CaseIterable>(_ request: Request, _ name: String, _ type: T.Type) throws -> T?
    where T.RawValue == String {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let value = T(rawValue: String(text)) else {
            throw ServiceError.invalid(name, "\(name) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }
}
