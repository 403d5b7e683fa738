import CordonDomain
import CordonStore
import Foundation


/// JSON shapes of the `/v1` API.
public enum API {
    public struct OrganisationOut: Codable, Sendable {
        public var id: UUID
        public var name: String
        public var kind: OrganisationKind
        public var memberState: String?
        /// Present while the operator has suspended it.
        public var suspendedAt: Date?

        public init(_ record: OrganisationRecord) {
            id = record.id!
            name = record.name
            kind = OrganisationKind(rawValue: record.kind) ?? .platform
            memberState = record.memberState
            suspendedAt = record.suspendedAt
        }
    }

    public struct Me: Codable, Sendable {
        public var organisation: OrganisationOut
        public var role: Role
        public var keyID: UUID
    }

    public struct NewOrganisation: Decodable, Sendable {
        public var name: String
        public var kind: OrganisationKind
        /// ISO 3166 alpha-2, e.g. "DE".
        public var memberState: String?
    }

    /// `PATCH /v1/organisations/{id}`: what to change (absent fields stay as they are).
    public struct OrganisationUpdate: Decodable, Sendable {
        public var name: String?
        public var kind: OrganisationKind?
        public var memberState: String?
    }

    public struct SuspensionIn: Decodable, Sendable {
        public var reason: String
    }

    public struct NewKey: Decodable, Sendable {
        public var role: Role
        public var label: String?
    }

    public struct KeyOut: Codable, Sendable {
        public var id: UUID
        public var organisationID: UUID
        public var role: Role
        public var label: String
        /// Shown once, at creation.
        public var secret: String?
        public var createdAt: Date? = nil
        public var revokedAt: Date? = nil
    }

    public struct NewCollection: Decodable, Sendable {
        public var name: String
        public var description: String?

        public init(name: String, description: String? = nil) {
            self.name = name
            self.description = description
        }
    }

    public struct CollectionOut: Codable, Sendable {
        public var id: UUID
        public var name: String
        public var description: String
        public var access: CollectionAccess?
        /// The incident whose hashes it holds, and whether that is a drill.
        public var incident: UUID? = nil
        public var drill: Bool? = nil
        /// The organisation that manages its members (none for incident collections).
        public var owner: UUID? = nil
    }

    public struct Membership: Decodable, Sendable {
        public var access: CollectionAccess
    }

    /// One signal, or `{"signals": [...]}` for up to 10,000 at once.
    public struct Submission: Decodable, Sendable {
        public var signals: [SignalSubmission]
        /// Whether the body was `{"signals": [...]}` (errors then name `signals[i].field`).
        public var isBulk: Bool

        /// Signals from another surface (a page's form, an import): `isBulk` names fields by index.
        public init(signals: [SignalSubmission], isBulk: Bool = true) {
            self.signals = signals
            self.isBulk = isBulk
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            isBulk = container.contains(.signals)
            if isBulk {
                signals = try container.decode([SignalSubmission].self, forKey: .signals)
            } else {
                signals = [try SignalSubmission(from: decoder)]
            }
        }

        public enum Keys: String, CodingKey { case signals }
    }

    public struct SignalOut: Codable, Sendable {
        public var id: Int
        public var collectionID: UUID
        public var type: SignalType
        public var value: String
        public var item: String?
        public var labels: SignalLabels
        public var confidence: Double
        public var status: SignalStatus
        public var contributors: [UUID]
        public var createdAt: Date?
        public var updatedAt: Date?

        public init(_ signal: StoredSignal) {
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

    public struct SubmissionResult: Codable, Sendable {
        public struct Item: Codable, Sendable {
            public var outcome: SubmissionOutcome
            public var id: Int
            /// Left out when the request said `Prefer: return=minimal`.
            public var signal: SignalOut?
        }
        public var results: [Item]
    }

    public struct NewFeedback: Decodable, Sendable {
        public var kind: FeedbackKind
        public var comment: String?
    }

    public struct MatchQuery: Decodable, Sendable {
        public struct Hash: Decodable, Sendable {
            public var type: SignalType
            public var value: String

            public init(type: SignalType, value: String) {
                self.type = type
                self.value = value
            }
        }
        public var hashes: [Hash]
        public var maxDistance: Int?

        public init(hashes: [Hash], maxDistance: Int?) {
            self.hashes = hashes
            self.maxDistance = maxDistance
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            maxDistance = try container.decodeIfPresent(Int.self, forKey: .maxDistance)
            if container.contains(.hashes) {
                hashes = try container.decode([Hash].self, forKey: .hashes)
            } else {
                hashes = [try Hash(from: decoder)]
            }
        }

        public enum Keys: String, CodingKey { case hashes, maxDistance }
    }

    public struct MatchResult: Codable, Sendable {
        public struct Match: Codable, Sendable {
            public var signal: SignalOut
            public var distance: Int
        }
        public struct QueryResult: Codable, Sendable {
            public var type: SignalType
            public var value: String
            public var matches: [Match]
        }
        public var results: [QueryResult]
    }

    public struct FeedPage: Codable, Sendable {
        public struct Change: Codable, Sendable {
            public var cursor: Int
            public var kind: ChangeKind
            public var at: Date?
            public var signal: SignalOut

            public init(_ change: SignalChange) {
                cursor = change.cursor
                kind = change.kind
                at = change.at
                signal = SignalOut(change.signal)
            }
        }
        public var changes: [Change]
        /// Pass as `since` for the next page; equal to the request's when nothing is new.
        public var next: Int
    }

    public struct AuditPage: Codable, Sendable {
        public struct Entry: Codable, Sendable {
            public var id: Int
            public var at: Date?
            public var organisationID: UUID?
            public var keyID: UUID?
            public var action: String
            public var target: String
            public var detail: [String: String]
        }
        public var entries: [Entry]
        public var next: Int
    }
}
