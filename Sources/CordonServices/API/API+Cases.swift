import CordonDomain
import CordonStore
import Foundation


/// JSON shapes of the referral desk.
extension API {
    public struct NewReferral: Decodable, Sendable {
        public var platform: UUID
        public var urls: [String]
        public var statement: String
        public var reference: String?
        public var categories: [ContentCategory]?
        public var hashes: [ContentHash]?
        public var override: Bool?
    }

    public struct NewOrder: Decodable, Sendable {
        public var order: RemovalOrderContent
        /// The id of the issuer's signing key (POST /v1/signing-keys).
        public var signingKey: UUID
        /// Base64 Ed25519 signature over the order's RFC 8785 canonical JSON.
        public var signature: String
        public var override: Bool?
    }

    public struct CaseOut: Codable, Sendable {
        public struct URLState: Codable, Sendable {
            public var url: String
            public var status: String
            public var lastCheckedAt: Date?
            public var goneAt: Date?
        }
        public struct Pause: Codable, Sendable {
            public var since: Date
            public var reason: String
            public var detail: String?
        }
        public struct Scrutiny: Codable, Sendable {
            public var authority: UUID
            public var requestedAt: Date?
            public var outcome: String?
            public var decidedAt: Date?
            public var reasons: String?
        }
        public var id: UUID
        public var kind: CaseKind
        public var state: CaseState
        public var issuer: UUID
        public var platform: UUID
        public var reference: String
        public var urls: [URLState]
        public var hashes: [ContentHash]
        public var categories: [ContentCategory]
        public var statement: String
        public var emergency: Bool
        public var firstOrder: Bool
        public var sentAt: Date
        public var receivedAt: Date
        public var acknowledgedAt: Date?
        public var deadline: Date?
        public var paused: Pause?
        public var breachedAt: Date?
        public var removedAt: Date?
        public var removalAction: RemovalAction?
        public var refusalReason: String?
        public var closedAt: Date?
        public var reinstatable: Bool
        public var reinstatedAt: Date?
        public var nonDisclosureUntil: Date?
        public var scrutiny: Scrutiny?
        /// The order as the issuer signed it.
        public var order: RemovalOrderContent?
        /// In the answer to a confirmed removal: campaigns suited to the content's
        /// categories, for a "get help" notice where it was.
        public var campaigns: [CampaignSuggestion]?

        public init(_ record: CaseRecord, urls rows: [CaseURLRecord]? = nil) {
            id = record.id!
            kind = CaseKind(rawValue: record.kind) ?? .referral
            state = CaseState(rawValue: record.state) ?? .received
            issuer = record.issuerID
            platform = record.platformID
            reference = record.reference
            if let rows {
                urls = rows.map { URLState(url: $0.url, status: $0.status, lastCheckedAt: $0.lastCheckedAt, goneAt: $0.goneAt) }
            } else {
                urls = (HubStore.decode(record.urls, as: [String].self) ?? [])
                    .map { URLState(url: $0, status: "unknown") }
            }
            hashes = HubStore.decode(record.hashes, as: [ContentHash].self) ?? []
            categories = HubStore.decode(record.categories, as: [ContentCategory].self) ?? []
            statement = record.statement
            emergency = record.emergency
            firstOrder = record.firstOrder
            sentAt = record.sentAt
            receivedAt = record.receivedAt
            acknowledgedAt = record.acknowledgedAt
            deadline = record.deadlineAt
            paused = record.pausedAt.map { Pause(since: $0, reason: record.pauseReason ?? "", detail: record.pauseDetail) }
            breachedAt = record.breachedAt
            removedAt = record.removedAt
            removalAction = record.removalAction.flatMap(RemovalAction.init(rawValue:))
            refusalReason = record.refusalReason
            closedAt = record.closedAt
            reinstatable = record.reinstatable
            reinstatedAt = record.reinstatedAt
            nonDisclosureUntil = record.nonDisclosureUntil
            scrutiny = record.scrutinyAuthorityID.map {
                Scrutiny(authority: $0, requestedAt: record.scrutinyRequestedAt, outcome: record.scrutinyOutcome,
                         decidedAt: record.scrutinyDecidedAt, reasons: record.scrutinyReasons)
            }
            order = HubStore.decode(record.orderJSON, as: RemovalOrderContent.self)
        }
    }

    public struct CasePage: Codable, Sendable {
        public var cases: [CaseOut]
        /// Pass as `before` for the next (older) page.
        public var next: Date?
    }

    /// `{"action": "…", …}`: one of acknowledge, report-inability, resume, clarify,
    /// confirm-removal, refuse, withdraw, reinstate.
    public struct ActionIn: Decodable, Sendable {
        public var action: String
        public var reason: String?
        public var detail: String?
        public var clarification: String?
        public var removal: RemovalAction?
        public var at: String?

        public func caseAction() throws -> CaseAction {
            // Copied into the case, the audit log, its events and each party's webhooks.
            for (field, text) in [("reason", reason), ("detail", detail), ("clarification", clarification)] {
                if let text, text.count > 10_000 {
                    throw ServiceError.invalid(field, "\(field) is at most 10,000 characters; got \(text.count)")
                }
            }
            // Checked whatever the action: a malformed time is an error even where it is not read.
            let time = try at.map { try Validation.date($0, field: "at") }
            switch action {
            case "acknowledge": return .acknowledge
            case "report-inability":
                guard let text = reason, let reason = InabilityReason(rawValue: text) else {
                    throw ServiceError.invalid("reason", "give the reason: one of \(InabilityReason.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return .reportInability(reason, detail: detail ?? "")
            case "resume": return .resume
            case "clarify": return .clarify(clarification ?? "")
            case "confirm-removal": return .confirmRemoval(removal ?? .removed, at: time)
            case "refuse": return .refuse(reason ?? "")
            case "withdraw": return .withdraw(reason ?? "")
            case "reinstate": return .reinstate
            default:
                throw ServiceError.invalid("action", "unknown action '\(action)'; use acknowledge, report-inability, resume, clarify, confirm-removal, refuse, withdraw or reinstate")
            }
        }
    }

    public struct Proof: Codable, Sendable {
        /// The order exactly as signed (RFC 8785 canonical JSON).
        public var order: String
        public var issuerSignature: String
        public var issuerPublicKey: String
        /// The hub's signed statement of when the order was sent and received.
        public var receipt: SignedStatement
        public var hubPublicKey: String
        public var algorithm = "Ed25519"
        public var howToVerify = "verify issuerSignature over the UTF-8 bytes of order with issuerPublicKey, and receipt.signature over receipt.statement with hubPublicKey (raw 32-byte keys, base64); receipt.statement names the SHA-256 of order"
    }

    public struct URLCheckOut: Codable, Sendable {
        public var url: String
        public var at: Date
        public var outcome: String
        public var statusCode: Int?
        public var detail: String
    }

    public struct ComplaintIn: Decodable, Sendable { var statement: String }

    public struct DecisionIn: Decodable, Sendable {
        public var outcome: ReviewOutcome
        public var reasons: String
    }

    public struct ComplaintOut: Codable, Sendable {
        public var id: UUID
        public var caseID: UUID
        public var statement: String
        public var filedAt: Date
        public var outcome: String?
        public var decidedAt: Date?
        public var reasons: String?

        public init(_ record: ComplaintRecord) {
            id = record.id!
            caseID = record.caseID
            statement = record.statement
            filedAt = record.filedAt
            outcome = record.outcome
            decidedAt = record.decidedAt
            reasons = record.reasons
        }
    }

    public struct ScrutinyRequestIn: Decodable, Sendable { var reason: String }

    public struct PreservationIn: Decodable, Sendable {
        public var contentReference: String
        public var hashes: [ContentHash]?
        public var metadata: [String: String]?
        /// The evidence file, base64; the hub seals it.
        public var evidence: String?
    }

    public struct PreservationOut: Codable, Sendable {
        public var id: UUID
        public var caseID: UUID
        public var contentReference: String
        public var hashes: [ContentHash]
        public var metadata: [String: String]
        public var hasEvidence: Bool
        public var preservedAt: Date
        public var keepUntil: Date
        public var legalHoldUntil: Date?
        public var purgedAt: Date?

        /// `values`: the record's values opened (``HubServices/opened(_:evidence:)``).
        init(_ record: PreservationRecord, values: HubServices.PreservedValues) {
            id = record.id!
            caseID = record.caseID
            contentReference = values.contentReference
            hashes = HubStore.decode(values.hashes, as: [ContentHash].self) ?? []
            metadata = HubStore.decode(values.metadata, as: [String: String].self) ?? [:]
            hasEvidence = record.evidence != nil
            preservedAt = record.preservedAt
            keepUntil = record.keepUntil
            legalHoldUntil = record.legalHoldUntil
            purgedAt = record.purgedAt
        }
    }

    public struct LegalHoldIn: Decodable, Sendable { var until: String }

    public struct HoldIn: Decodable, Sendable {
        public var url: String?
        public var domain: String?
        public var reason: String
        public var until: String?
    }

    public struct HoldOut: Codable, Sendable {
        public var id: UUID
        public var authority: UUID
        public var url: String?
        public var domain: String?
        public var reason: String
        public var createdAt: Date
        public var until: Date?

        public init(_ record: HoldRecord) {
            id = record.id!
            authority = record.authorityID
            url = record.url
            domain = record.domain
            reason = record.reason
            createdAt = record.createdAt
            until = record.until
        }
    }

    public struct Deconfliction: Codable, Sendable {
        public var url: String
        public var cases: [CaseOut]
        public var holds: [HoldOut]
    }

    public struct SigningKeyIn: Decodable, Sendable { var publicKey: String }

    public struct SigningKeyOut: Codable, Sendable {
        public var id: UUID
        public var organisation: UUID
        public var publicKey: String
        public var createdAt: Date
        public var revokedAt: Date?

        public init(_ record: SigningKeyRecord) {
            id = record.id!
            organisation = record.organisationID
            publicKey = record.publicKey
            createdAt = record.createdAt
            revokedAt = record.revokedAt
        }
    }

    /// The hub's current signing key.
    public struct HubKey: Codable, Sendable {
        public var id: String
        public var publicKey: String
        public var algorithm = "Ed25519"
    }

    /// Every signing key the hub has had, current first: statements name theirs by `keyID`.
    public struct HubKeys: Codable, Sendable {
        public var keys: [HubPublicKey]
        public var algorithm = "Ed25519"
    }

    public struct CaseEventOut: Codable, Sendable {
        public var id: Int
        public var event: String
        public var caseID: UUID
        public var at: Date
        public var detail: [String: String]

        public init(_ record: CaseEventRecord) {
            id = record.id!
            event = record.kind
            caseID = record.caseID
            at = record.at
            detail = HubStore.decode(record.detail, as: [String: String].self) ?? [:]
        }
    }

    public struct CaseEventPage: Codable, Sendable {
        public var events: [CaseEventOut]
        public var next: Int
    }

    public struct WebhookIn: Decodable, Sendable {
        public var url: String
        public var events: [String]?
    }

    public struct WebhookOut: Codable, Sendable {
        public var id: UUID
        public var url: String
        public var events: [String]
        public var createdAt: Date
        /// Shown once, at creation: the HMAC-SHA256 key for `Cordon-Signature`.
        public var secret: String?

        public init(_ record: WebhookRecord, showSecret: Bool) {
            id = record.id!
            url = record.url
            events = HubStore.decode(record.events, as: [String].self) ?? []
            createdAt = record.createdAt
            secret = showSecret ? record.secret : nil
        }
    }

    public struct DeliveryOut: Codable, Sendable {
        public var id: Int
        public var eventID: Int
        public var event: String
        public var state: String
        public var attempts: Int
        public var nextAttemptAt: Date
        public var lastError: String?
        public var deliveredAt: Date?

        public init(_ record: WebhookDeliveryRecord) {
            id = record.id!
            eventID = record.eventID
            event = record.eventKind
            state = record.state
            attempts = record.attempts
            nextAttemptAt = record.nextAttemptAt
            lastError = record.lastError
            deliveredAt = record.deliveredAt
        }
    }
}

