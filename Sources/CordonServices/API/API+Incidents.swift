import CordonDomain
import CordonStore
import Foundation


extension API {
    public struct NewIncident: Decodable, Sendable {
        public var title: String
        public var summary: String
        public var location: String
        /// ISO 8601.
        public var occurredAt: String
        public var contentSeen: String
        public var criteria: IncidentCriteria
        public var level: String?
        public var drill: Bool?
        public var authorities: [UUID]?
    }

    public struct VoteIn: Decodable, Sendable {
        public var decision: BoardDecision
        public var reason: String?
    }

    public struct ReasonIn: Decodable, Sendable {
        public var reason: String?
    }

    public struct IncidentOut: Codable, Sendable {
        public var id: UUID
        public var title: String
        public var summary: String
        public var location: String
        public var occurredAt: Date
        public var contentSeen: String
        public var criteria: IncidentCriteria?
        public var level: String
        public var state: String
        /// A drill: an exercise, not a real incident. Its hashes match only inside it.
        public var drill: Bool
        public var collection: UUID
        public var authorities: [UUID]
        public var proposedBy: UUID
        public var proposedAt: Date
        public var activatedAt: Date?
        public var concludedAt: Date?
        public var conclusion: String?
        public var votes: [VoteOut]?

        public init(_ record: IncidentRecord, votes: [IncidentVoteRecord]? = nil) {
            id = record.id!
            title = record.title
            summary = record.summary
            location = record.location
            occurredAt = record.occurredAt
            contentSeen = record.contentSeen
            criteria = HubStore.decode(record.criteria, as: IncidentCriteria.self)
            level = record.level
            state = record.state
            drill = record.drill
            collection = record.collectionID
            authorities = HubStore.decode(record.authorities, as: [UUID].self) ?? []
            proposedBy = record.proposedBy
            proposedAt = record.proposedAt
            activatedAt = record.activatedAt
            concludedAt = record.concludedAt
            conclusion = record.conclusion
            self.votes = votes?.map(VoteOut.init)
        }
    }

    public struct VoteOut: Codable, Sendable {
        public var organisationID: UUID
        public var decision: String
        public var reason: String
        public var at: Date

        public init(_ record: IncidentVoteRecord) {
            organisationID = record.organisationID
            decision = record.decision
            reason = record.reason
            at = record.at
        }
    }

    public struct SharedURLIn: Decodable, Sendable {
        public var url: String
        public var platform: UUID?
        /// ISO 8601.
        public var firstSeenAt: String?
        public var views: Int?
        public var note: String?
    }

    public struct SharedURLOut: Codable, Sendable {
        public var id: Int
        public var url: String
        public var sharedBy: UUID
        public var platform: UUID?
        public var firstSeenAt: Date?
        public var views: Int?
        public var note: String
        public var caseID: UUID?
        public var sharedAt: Date
        /// The state of the newest referral or order about the URL, or `shared`.
        public var state: String?

        public init(_ record: IncidentURLRecord, state: String? = nil) {
            id = record.id!
            url = record.url
            sharedBy = record.sharedBy
            platform = record.platformID
            firstSeenAt = record.firstSeenAt
            views = record.views
            note = record.note
            caseID = record.caseID
            sharedAt = record.sharedAt
            self.state = state
        }
    }

    public struct URLReferralIn: Decodable, Sendable {
        public var platform: UUID?
        public var statement: String
        public var categories: [ContentCategory]?
        public var reference: String?
    }

    public struct MatchReportIn: Decodable, Sendable {
        public var matches: Int
        /// ISO 8601; any time in the hour counted (default: now).
        public var hour: String?
    }

    public struct NoteIn: Decodable, Sendable {
        public var note: String
    }

    public struct IncidentEventOut: Codable, Sendable {
        public var id: Int
        public var event: String
        public var incidentID: UUID
        public var drill: Bool
        public var organisationID: UUID?
        public var at: Date
        public var detail: IncidentEventDetail

        public init(_ record: IncidentEventRecord) {
            id = record.id!
            event = record.kind
            incidentID = record.incidentID
            drill = record.drill
            organisationID = record.organisationID
            at = record.at
            detail = HubStore.decode(record.detail, as: IncidentEventDetail.self) ?? .init()
        }
    }

    public struct IncidentEventPage: Codable, Sendable {
        public var events: [IncidentEventOut]
        public var next: Int
    }

    public struct IncidentPictureOut: Codable, Sendable {
        public var incident: IncidentOut
        public var picture: IncidentPicture
    }

    /// The debrief: what was decided and when, everything shared, and the figures.
    public struct AfterActionReport: Codable, Sendable {
        public var incident: IncidentOut
        public var drill: Bool
        /// Hours from activation to conclusion.
        public var activeHours: Double?
        public var picture: IncidentPicture
        public var urls: [SharedURLOut]
        public var timeline: [IncidentEventOut]
    }

    /// A report or note was recorded (it appears on the incident's event stream).
    public struct Accepted: Codable, Sendable {
        public var accepted: Bool

        public init(accepted: Bool) {
            self.accepted = accepted
        }
    }

    public struct BoardSeat: Decodable, Sendable {
        public var seated: Bool
    }
}
