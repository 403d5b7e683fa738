import CordonDomain
import CordonStore
import Foundation
import Hummingbird

/// JSON shapes of the `/v1` API.
enum API {
    struct OrganisationOut: ResponseCodable {
        var id: UUID
        var name: String
        var kind: OrganisationKind
        var memberState: String?

        init(_ record: OrganisationRecord) {
            id = record.id!
            name = record.name
            kind = OrganisationKind(rawValue: record.kind) ?? .platform
            memberState = record.memberState
        }
    }

    struct Me: ResponseCodable {
        var organisation: OrganisationOut
        var role: Role
        var keyID: UUID
    }

    struct NewOrganisation: Decodable {
        var name: String
        var kind: OrganisationKind
        /// ISO 3166 alpha-2, e.g. "DE".
        var memberState: String?
    }

    struct NewKey: Decodable {
        var role: Role
        var label: String?
    }

    struct KeyOut: ResponseCodable {
        var id: UUID
        var organisationID: UUID
        var role: Role
        var label: String
        /// Shown once, at creation.
        var secret: String?
    }

    struct NewCollection: Decodable {
        var name: String
        var description: String?
    }

    struct CollectionOut: ResponseCodable {
        var id: UUID
        var name: String
        var description: String
        var access: CollectionAccess?
        /// The incident whose hashes it holds, and whether that is a drill.
        var incident: UUID? = nil
        var drill: Bool? = nil
    }

    struct Membership: Decodable {
        var access: CollectionAccess
    }

    /// One signal, or `{"signals": [...]}` for up to 10,000 at once.
    struct Submission: Decodable {
        var signals: [SignalSubmission]
        /// Whether the body was `{"signals": [...]}` (errors then name `signals[i].field`).
        var isBulk: Bool

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            isBulk = container.contains(.signals)
            if isBulk {
                signals = try container.decode([SignalSubmission].self, forKey: .signals)
            } else {
                signals = [try SignalSubmission(from: decoder)]
            }
        }

        enum Keys: String, CodingKey { case signals }
    }

    struct SignalOut: ResponseCodable {
        var id: Int
        var collectionID: UUID
        var type: SignalType
        var value: String
        var item: String?
        var labels: SignalLabels
        var confidence: Double
        var status: SignalStatus
        var contributors: [UUID]
        var createdAt: Date?
        var updatedAt: Date?

        init(_ signal: StoredSignal) {
            id = signal.id
            collectionID = signal.collectionID
            type = signal.type
            value = signal.value
            item = signal.item
            labels = signal.labels
            confidence = signal.confidence
            status = signal.status
            contributors = signal.contributors
            createdAt = signal.createdAt
            updatedAt = signal.updatedAt
        }
    }

    struct SubmissionResult: ResponseCodable {
        struct Item: Codable {
            var outcome: SubmissionOutcome
            var id: Int
            /// Left out when the request said `Prefer: return=minimal`.
            var signal: SignalOut?
        }
        var results: [Item]
    }

    struct NewFeedback: Decodable {
        var kind: FeedbackKind
        var comment: String?
    }

    struct MatchQuery: Decodable {
        struct Hash: Decodable {
            var type: SignalType
            var value: String
        }
        var hashes: [Hash]
        var maxDistance: Int?

        init(hashes: [Hash], maxDistance: Int?) {
            self.hashes = hashes
            self.maxDistance = maxDistance
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            maxDistance = try container.decodeIfPresent(Int.self, forKey: .maxDistance)
            if container.contains(.hashes) {
                hashes = try container.decode([Hash].self, forKey: .hashes)
            } else {
                hashes = [try Hash(from: decoder)]
            }
        }

        enum Keys: String, CodingKey { case hashes, maxDistance }
    }

    struct MatchResult: ResponseCodable {
        struct Match: Codable {
            var signal: SignalOut
            var distance: Int
        }
        struct QueryResult: Codable {
            var type: SignalType
            var value: String
            var matches: [Match]
        }
        var results: [QueryResult]
    }

    struct FeedPage: ResponseCodable {
        struct Change: Codable {
            var cursor: Int
            var kind: ChangeKind
            var at: Date?
            var signal: SignalOut

            init(_ change: SignalChange) {
                cursor = change.cursor
                kind = change.kind
                at = change.at
                signal = SignalOut(change.signal)
            }
        }
        var changes: [Change]
        /// Pass as `since` for the next page; equal to the request's when nothing is new.
        var next: Int
    }

    struct AuditPage: ResponseCodable {
        struct Entry: Codable {
            var id: Int
            var at: Date?
            var organisationID: UUID?
            var keyID: UUID?
            var action: String
            var target: String
            var detail: [String: String]
        }
        var entries: [Entry]
        var next: Int
    }
}
