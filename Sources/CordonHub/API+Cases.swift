import CordonDomain
import CordonStore
import Foundation
import Hummingbird

/// JSON shapes of the referral desk.
extension API {
    struct NewReferral: Decodable {
        var platform: UUID
        var urls: [String]
        var statement: String
        var reference: String?
        var categories: [ContentCategory]?
        var hashes: [ContentHash]?
        var override: Bool?
    }

    struct NewOrder: Decodable {
        var order: RemovalOrderContent
        /// The id of the issuer's signing key (POST /v1/signing-keys).
        var signingKey: UUID
        /// Base64 Ed25519 signature over the order's RFC 8785 canonical JSON.
        var signature: String
        var override: Bool?
    }

    struct CaseOut: ResponseCodable {
        struct URLState: Codable {
            var url: String
            var status: String
            var lastCheckedAt: Date?
            var goneAt: Date?
        }
        struct Pause: Codable {
            var since: Date
            var reason: String
            var detail: String?
        }
        struct Scrutiny: Codable {
            var authority: UUID
            var requestedAt: Date?
            var outcome: String?
            var decidedAt: Date?
            var reasons: String?
        }
        var id: UUID
        var kind: CaseKind
        var state: CaseState
        var issuer: UUID
        var platform: UUID
        var reference: String
        var urls: [URLState]
        var hashes: [ContentHash]
        var categories: [ContentCategory]
        var statement: String
        var emergency: Bool
        var firstOrder: Bool
        var sentAt: Date
        var receivedAt: Date
        var acknowledgedAt: Date?
        var deadline: Date?
        var paused: Pause?
        var breachedAt: Date?
        var removedAt: Date?
        var removalAction: RemovalAction?
        var refusalReason: String?
        var closedAt: Date?
        var reinstatable: Bool
        var reinstatedAt: Date?
        var nonDisclosureUntil: Date?
        var scrutiny: Scrutiny?
        /// The order as the issuer signed it.
        var order: RemovalOrderContent?

        init(_ record: CaseRecord, urls rows: [CaseURLRecord]? = nil) {
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

    struct CasePage: ResponseCodable {
        var cases: [CaseOut]
        /// Pass as `before` for the next (older) page.
        var next: Date?
    }

    /// `{"action": "…", …}`: one of acknowledge, report-inability, resume, clarify,
    /// confirm-removal, refuse, withdraw, reinstate.
    struct ActionIn: Decodable {
        var action: String
        var reason: String?
        var detail: String?
        var clarification: String?
        var removal: RemovalAction?
        var at: String?

        func caseAction() throws -> CaseAction {
            switch action {
            case "acknowledge": return .acknowledge
            case "report-inability":
                guard let text = reason, let reason = InabilityReason(rawValue: text) else {
                    throw APIError.invalid("reason", "give the reason: one of \(InabilityReason.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return .reportInability(reason, detail: detail ?? "")
            case "resume": return .resume
            case "clarify": return .clarify(clarification ?? "")
            case "confirm-removal":
                var time: Date?
                if let at {
                    guard let parsed = RemovalOrderContent.parseDate(at) else {
                        throw APIError.invalid("at", "at must be an ISO 8601 time such as 2026-11-23T10:15:00Z")
                    }
                    time = parsed
                }
                return .confirmRemoval(removal ?? .removed, at: time)
            case "refuse": return .refuse(reason ?? "")
            case "withdraw": return .withdraw(reason ?? "")
            case "reinstate": return .reinstate
            default:
                throw APIError.invalid("action", "unknown action '\(action)'; use acknowledge, report-inability, resume, clarify, confirm-removal, refuse, withdraw or reinstate")
            }
        }
    }

    struct Proof: ResponseCodable {
        /// The order exactly as signed (RFC 8785 canonical JSON).
        var order: String
        var issuerSignature: String
        var issuerPublicKey: String
        /// The hub's signed statement of when the order was sent and received.
        var receipt: SignedStatement
        var hubPublicKey: String
        var algorithm = "Ed25519"
        var howToVerify = "verify issuerSignature over the UTF-8 bytes of order with issuerPublicKey, and receipt.signature over receipt.statement with hubPublicKey (raw 32-byte keys, base64); receipt.statement names the SHA-256 of order"
    }

    struct URLCheckOut: ResponseCodable {
        var url: String
        var at: Date
        var outcome: String
        var statusCode: Int?
        var detail: String
    }

    struct ComplaintIn: Decodable { var statement: String }

    struct DecisionIn: Decodable {
        var outcome: ReviewOutcome
        var reasons: String
    }

    struct ComplaintOut: ResponseCodable {
        var id: UUID
        var caseID: UUID
        var statement: String
        var filedAt: Date
        var outcome: String?
        var decidedAt: Date?
        var reasons: String?

        init(_ record: ComplaintRecord) {
            id = record.id!
            caseID = record.caseID
            statement = record.statement
            filedAt = record.filedAt
            outcome = record.outcome
            decidedAt = record.decidedAt
            reasons = record.reasons
        }
    }

    struct ScrutinyRequestIn: Decodable { var reason: String }

    struct PreservationIn: Decodable {
        var contentReference: String
        var hashes: [ContentHash]?
        var metadata: [String: String]?
        /// The evidence file, base64; the hub seals it.
        var evidence: String?
    }

    struct PreservationOut: ResponseCodable {
        var id: UUID
        var caseID: UUID
        var contentReference: String
        var hashes: [ContentHash]
        var metadata: [String: String]
        var hasEvidence: Bool
        var preservedAt: Date
        var keepUntil: Date
        var legalHoldUntil: Date?
        var purgedAt: Date?

        init(_ record: PreservationRecord) {
            id = record.id!
            caseID = record.caseID
            contentReference = record.contentReference
            hashes = HubStore.decode(record.hashes, as: [ContentHash].self) ?? []
            metadata = HubStore.decode(record.metadata, as: [String: String].self) ?? [:]
            hasEvidence = record.evidence != nil
            preservedAt = record.preservedAt
            keepUntil = record.keepUntil
            legalHoldUntil = record.legalHoldUntil
            purgedAt = record.purgedAt
        }
    }

    struct LegalHoldIn: Decodable { var until: String }

    struct HoldIn: Decodable {
        var url: String?
        var domain: String?
        var reason: String
        var until: String?
    }

    struct HoldOut: ResponseCodable {
        var id: UUID
        var authority: UUID
        var url: String?
        var domain: String?
        var reason: String
        var createdAt: Date
        var until: Date?

        init(_ record: HoldRecord) {
            id = record.id!
            authority = record.authorityID
            url = record.url
            domain = record.domain
            reason = record.reason
            createdAt = record.createdAt
            until = record.until
        }
    }

    struct Deconfliction: ResponseCodable {
        var url: String
        var cases: [CaseOut]
        var holds: [HoldOut]
    }

    struct SigningKeyIn: Decodable { var publicKey: String }

    struct SigningKeyOut: ResponseCodable {
        var id: UUID
        var organisation: UUID
        var publicKey: String
        var createdAt: Date
        var revokedAt: Date?

        init(_ record: SigningKeyRecord) {
            id = record.id!
            organisation = record.organisationID
            publicKey = record.publicKey
            createdAt = record.createdAt
            revokedAt = record.revokedAt
        }
    }

    struct HubKey: ResponseCodable {
        var publicKey: String
        var algorithm = "Ed25519"
    }

    struct CaseEventOut: ResponseCodable {
        var id: Int
        var event: String
        var caseID: UUID
        var at: Date
        var detail: [String: String]

        init(_ record: CaseEventRecord) {
            id = record.id!
            event = record.kind
            caseID = record.caseID
            at = record.at
            detail = HubStore.decode(record.detail, as: [String: String].self) ?? [:]
        }
    }

    struct CaseEventPage: ResponseCodable {
        var events: [CaseEventOut]
        var next: Int
    }

    struct WebhookIn: Decodable {
        var url: String
        var events: [String]?
    }

    struct WebhookOut: ResponseCodable {
        var id: UUID
        var url: String
        var events: [String]
        var createdAt: Date
        /// Shown once, at creation: the HMAC-SHA256 key for `Cordon-Signature`.
        var secret: String?

        init(_ record: WebhookRecord, showSecret: Bool) {
            id = record.id!
            url = record.url
            events = HubStore.decode(record.events, as: [String].self) ?? []
            createdAt = record.createdAt
            secret = showSecret ? record.secret : nil
        }
    }

    struct DeliveryOut: ResponseCodable {
        var id: Int
        var eventID: Int
        var event: String
        var state: String
        var attempts: Int
        var nextAttemptAt: Date
        var lastError: String?
        var deliveredAt: Date?

        init(_ record: WebhookDeliveryRecord) {
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

extension TransparencyFigures: ResponseEncodable {}
