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
