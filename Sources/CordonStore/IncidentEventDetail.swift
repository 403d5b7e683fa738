import Foundation

/// What an incident event says, beyond its kind: only the fields that apply are set.
/// Times are ISO 8601 text, as everywhere in the API.
public struct IncidentEventDetail: Codable, Sendable, Hashable {
    public struct Hash: Codable, Sendable, Hashable {
        public var type: String
        public var value: String
        public var signal: Int
    }

    public var state: String?
    public var decision: String?
    public var votes: Int?
    public var quorum: Int?
    public var reason: String?
    public var title: String?
    public var level: String?
    public var collection: UUID?
    public var hashes: [Hash]?
    public var url: String?
    public var urlID: Int?
    public var platform: UUID?
    public var firstSeenAt: String?
    public var views: Int?
    public var caseID: UUID?
    public var hour: String?
    public var matches: Int?
    public var note: String?

    public init() {}
}
