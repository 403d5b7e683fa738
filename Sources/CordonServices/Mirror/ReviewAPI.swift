import CordonDomain
import CordonStore
import Foundation

/// `POST /v1/uploads`: the platform's content id and account id with the upload's hashes
/// (hashed on the platform by `cordon hash`; the media never leaves it), or Altitude's
/// body: the file as `content_bytes` (base64) with `client_context`.
public struct UploadIn: Decodable, Sendable {
    public var contentID: String?
    public var accountID: String?
    public var hashes: [API.MatchQuery.Hash]?
    public var pdqQuality: Int?
    public var contentBytes: String?
    public var clientContext: String?

    public init(contentID: String? = nil, accountID: String? = nil, hashes: [API.MatchQuery.Hash]? = nil, pdqQuality: Int? = nil,
                contentBytes: String? = nil, clientContext: String? = nil) {
        self.contentID = contentID
        self.accountID = accountID
        self.hashes = hashes
        self.pdqQuality = pdqQuality
        self.contentBytes = contentBytes
        self.clientContext = clientContext
    }

    enum CodingKeys: String, CodingKey {
        case contentID, accountID, hashes, pdqQuality
        case contentBytes = "content_bytes", clientContext = "client_context"
    }
}

/// The upload as kept, its case if it matched, and what it matched.
public struct UploadOut: Codable, Sendable {
    public var upload: HubStore.PlatformUpload
    public var `case`: HubStore.ReviewCase?
    public var matches: [API.MatchResult.Match]
    /// Campaigns suited to what matched, for a "get help" notice beside a removal.
    public var campaigns: [API.CampaignSuggestion]?
}

/// A review case with its evidence: the upload, and each matched signal as the copy has
/// it (labels, contributors, status: disputed or retracted).
public struct CaseOut: Codable, Sendable {
    public struct Evidence: Codable, Sendable {
        public var signalID: Int
        public var distance: Int
        public var signal: API.SignalOut?
    }
    public var reviewCase: HubStore.ReviewCase
    public var upload: HubStore.PlatformUpload?
    public var matches: [Evidence]
    /// The uploading account's matched and removed uploads in the repeat window (local only).
    public var account: HubStore.RepeatUploader?
    /// Until when the decision may be undone (unpublished decisions only).
    public var undoUntil: Date?
    /// How the user's appeal against the removal ended, once recorded.
    public var appeal: AppealOutcome?
}

/// `GET /v1/review`: a page of cases; pass `next` as `cursor` for the following one.
public struct CasePage: Codable, Sendable {
    public var cases: [CaseOut]
    public var next: String?
}

/// `POST /v1/review/{id}/appeal`: how a user's appeal against the removal ended.
public struct AppealIn: Codable, Sendable {
    /// `reinstated` or `upheld`.
    public var outcome: String

    public init(outcome: String) { self.outcome = outcome }
}

/// `POST /v1/review/{id}/decision`.
public struct DecisionIn: Codable, Sendable {
    /// `remove`, `leave-up` or `escalate`.
    public var decision: String
    /// A category of the taxonomy, `not-violating` or `needs-context`.
    public var reason: String

    public init(decision: String, reason: String) {
        self.decision = decision
        self.reason = reason
    }
}

/// `POST /v1/review/decisions`: one decision for many open cases, all or none.
public struct BulkDecisionIn: Codable, Sendable {
    public var cases: [Int]
    public var decision: String
    public var reason: String

    public init(cases: [Int], decision: String, reason: String) {
        self.cases = cases
        self.decision = decision
        self.reason = reason
    }
}

/// `GET /v1/verdicts?since=`: what the platform has to act on, in order, each event as
/// its webhook carries it.
public struct VerdictPage: Codable, Sendable {
    public var events: [HubStore.Verdict]
    /// Pass as `since` for the next page.
    public var next: Int
}
