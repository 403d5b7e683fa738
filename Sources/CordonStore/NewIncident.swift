import CordonDomain
import Foundation

/// What a proposer states about an incident.
public struct NewIncident: Sendable {
    public var title: String
    public var summary: String
    public var location: String
    public var occurredAt: Date
    public var contentSeen: String
    public var criteria: IncidentCriteria
    public var level: String
    public var drill: Bool
    /// Authorities to name on the incident: they see it and are alerted.
    public var authorities: [UUID]

    public init(title: String, summary: String, location: String, occurredAt: Date, contentSeen: String,
                criteria: IncidentCriteria, level: String, drill: Bool, authorities: [UUID]) {
        self.title = title
        self.summary = summary
        self.location = location
        self.occurredAt = occurredAt
        self.contentSeen = contentSeen
        self.criteria = criteria
        self.level = level
        self.drill = drill
        self.authorities = authorities
    }
}

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
