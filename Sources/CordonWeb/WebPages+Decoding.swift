import CordonHub
import CordonServices
import CordonStore
import Foundation
import HTTPTypes
import Hummingbird

/// Turning what a form sends into the commands the services take: the same `Decodable`
/// shapes the JSON API reads, so a page validates exactly as the API does.
extension WebPages {
    static func decode<T: Decodable>(_ type: T.Type, _ fields: [String: Any]) throws -> T {
        try API.command(type, fields)
    }

    static func decode<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ text: String, field: String) throws -> T
    where T.RawValue == String {
        guard let value = T(rawValue: text) else {
            throw ServiceError.invalid(field, "choose one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    static func uuid(_ context: HubRequestContext, _ name: String) throws -> UUID {
        guard let text = context.parameters.get(name), let id = UUID(uuidString: text) else {
            throw ServiceError.notFound(name, "there is no such page: '\(context.parameters.get(name) ?? "")' is not an id")
        }
        return id
    }

    static func int(_ context: HubRequestContext, _ name: String) throws -> Int {
        guard let text = context.parameters.get(name), let id = Int(text) else {
            throw ServiceError.notFound(name, "there is no such page: '\(context.parameters.get(name) ?? "")' is not a number")
        }
        return id
    }
}
