import CordonDomain
import Foundation

extension API {
    /// A notice as sent (DSA Art. 16(2) (a)–(d)).
    public struct NoticeIn: Decodable, Sendable {
        public var platform: UUID
        public var explanation: String
        public var urls: [String]
        public var locator: String?
        public var notifierName: String
        public var notifierEmail: String
        public var bonaFide: Bool
        public var categories: [ContentCategory]?
    }

    /// A notice with where it stands in the platform's queue.
    public struct NoticeOut: Codable, Sendable {
        public var notice: Notice
        /// A priority notice whose timer ran out undecided.
        public var overdue: Bool
    }

    /// The electronic confirmation of receipt (Art. 16(4)): the notice as stored, and the
    /// hub's signed statement of when it received which notice.
    public struct NoticeReceipt: Codable, Sendable {
        public var notice: Notice
        public var receipt: SignedStatement
    }

    /// What the hub signs on receipt: the notice's id, platform, time, and the SHA-256 of
    /// its canonical JSON.
    public struct NoticeReceiptStatement: Codable, Sendable {
        public var notice: Int
        public var platform: UUID
        public var receivedAt: String
        public var sha256: String
    }

    public struct NoticeDecisionIn: Decodable, Sendable {
        public var action: NoticeAction
        public var ground: String
        public var explanation: String
        public var automated: Bool?
        public var assessment: NoticeAssessment?
        /// The platform's own redress text; the standard one when left out.
        public var redress: String?
    }

    /// The register's entry as the operator sends it.
    public struct TrustedFlaggerIn: Decodable, Sendable {
        public var awardingAuthority: String
        public var expertise: [ContentCategory]?
        public var validFrom: String?
        public var validUntil: String?
        public var responseHours: Int?
        public var independence: String
    }

    /// A register entry with the flagger's record: its notices' precision and misuse counts.
    public struct TrustedFlaggerOut: Codable, Sendable {
        public var flagger: TrustedFlagger
        public var active: Bool
        public var notices: Int
        public var decided: Int
        /// Acted on ÷ decided; nil before any decision.
        public var precision: Double?
        public var insufficientlyPrecise: Int
        public var manifestlyUnfounded: Int
        public var overdue: Int
    }

    /// A trusted flagger's yearly report (Art. 22(3)): its notices by hosting provider,
    /// type of content and action taken, and how it stays independent; no personal data.
    public struct FlaggerReport: Codable, Sendable {
        public struct Row: Codable, Sendable, Hashable {
            public var platform: String
            public var category: String
            public var action: String
            public var notices: Int
        }
        public var organisation: String
        public var year: Int
        public var awardingAuthority: String
        public var independence: String
        public var notices: Int
        public var rows: [Row]
        public var precision: Double?
        public var medianHoursToDecision: Double?
    }
}
