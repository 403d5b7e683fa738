import CordonDomain
import CordonStore
import Foundation
import Hummingbird

extension API {
    struct NewIncident: Decodable {
        var title: String
        var summary: String
        var location: String
        /// ISO 8601.
        var occurredAt: String
        var contentSeen: String
        var criteria: IncidentCriteria
        var level: String?
        var drill: Bool?
        var authorities: [UUID]?
    }

    struct VoteIn: Decodable {
        var decision: BoardDecision
        var reason: String?
    }

    struct ReasonIn: Decodable {
        var reason: String?
    }

    struct IncidentOut: ResponseCodable {
        var id: UUID
        var title: String
        var summary: String
        var location: String
        var occurredAt: Date
        var contentSeen: String
        var criteria: IncidentCriteria?
        var level: String
        var state: String
        /// A drill: an exercise, not a real incident. Its hashes match only inside it.
        var drill: Bool
        var collection: UUID
        var authorities: [UUID]
        var proposedBy: UUID
        var proposedAt: Date
        var activatedAt: Date?
        var concludedAt: Date?
        var conclusion: String?
        var votes: [VoteOut]?

        init(_ record: IncidentRecord, votes: [IncidentVoteRecord]? = nil) {
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

    struct VoteOut: ResponseCodable {
        var organisationID: UUID
        var decision: String
        var reason: String
        var at: Date

        init(_ record: IncidentVoteRecord) {
            organisationID = record.organisationID
            decision = record.decision
            reason = record.reason
            at = record.at
        }
    }

    struct SharedURLIn: Decodable {
        var url: String
        var platform: UUID?
        /// ISO 8601.
        var firstSeenAt: String?
        var views: Int?
        var note: String?
    }

    struct SharedURLOut: ResponseCodable {
        var id: Int
        var url: String
        var sharedBy: UUID
        var platform: UUID?
        var firstSeenAt: Date?
        var views: Int?
        var note: String
        var caseID: UUID?
        var sharedAt: Date
        /// The state of the newest referral or order about the URL, or `shared`.
        var state: String?

        init(_ record: IncidentURLRecord, state: String? = nil) {
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

    struct URLReferralIn: Decodable {
        var platform: UUID?
        var statement: String
        var categories: [ContentCategory]?
        var reference: String?
    }

    struct MatchReportIn: Decodable {
        var matches: Int
        /// ISO 8601; any time in the hour counted (default: now).
        var hour: String?
    }

    struct NoteIn: Decodable {
        var note: String
    }

    struct IncidentEventOut: ResponseCodable {
        var id: Int
        var event: String
        var incidentID: UUID
        var drill: Bool
        var organisationID: UUID?
        var at: Date
        var detail: IncidentEventDetail

        init(_ record: IncidentEventRecord) {
            id = record.id!
            event = record.kind
            incidentID = record.incidentID
            drill = record.drill
            organisationID = record.organisationID
            at = record.at
            detail = HubStore.decode(record.detail, as: IncidentEventDetail.self) ?? .init()
        }
    }

    struct IncidentEventPage: ResponseCodable {
        var events: [IncidentEventOut]
        var next: Int
    }

    struct IncidentPictureOut: ResponseCodable {
        var incident: IncidentOut
        var picture: IncidentPicture
    }

    /// The debrief: what was decided and when, everything shared, and the figures.
    struct AfterActionReport: ResponseCodable {
        var incident: IncidentOut
        var drill: Bool
        /// Hours from activation to conclusion.
        var activeHours: Double?
        var picture: IncidentPicture
        var urls: [SharedURLOut]
        var timeline: [IncidentEventOut]
    }

    /// A report or note was recorded (it appears on the incident's event stream).
    struct Accepted: ResponseCodable {
        var accepted: Bool
    }

    struct BoardSeat: Decodable {
        var seated: Bool
    }
}
