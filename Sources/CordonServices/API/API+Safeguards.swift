import CordonDomain
import CordonStore
import Foundation

extension API {
    /// One signal's standing: what platforms reported about it, whether a match may be
    /// acted on, and when it is due for review.
    public struct SignalLedger: Codable, Sendable {
        /// One piece of feedback, with the hub's signed statement of it.
        public struct Event: Codable, Sendable {
            public var kind: FeedbackKind
            public var at: Date?
            public var distance: Int?
            public var signed: SignedStatement?
        }
        public var signal: SignalOut
        public var origin: SignalOrigin
        public var actionable: Bool
        public var ledger: ErrorLedger
        /// Every piece of feedback, oldest first.
        public var events: [Event]
        public var falsePositiveRate: Double?
        /// Why it is not actionable: `disputed`, `false-positives`, `review-due`, `retracted`.
        public var reason: String?
        public var reviewBy: Date?
        public var reviewReason: String?
    }

    /// What the hub signs for each piece of feedback: which signal, what happened, which
    /// organisation said so, when, and at what match distance. No user data.
    public struct FeedbackStatement: Codable, Sendable {
        public var signal: Int
        public var kind: FeedbackKind
        public var organisation: UUID
        public var at: String
        public var distance: Int?
    }

    /// The error ledger summed over one dimension: label, contributor, algorithm
    /// (with the PDQ distance band the feedback named), or origin.
    public struct LedgerReport: Codable, Sendable {
        public struct Row: Codable, Sendable {
            public var key: String
            /// A readable name for the key (an organisation's name).
            public var name: String
            public var signals: Int
            public var ledger: ErrorLedger
            public var falsePositiveRate: Double?
        }
        public var by: String
        public var rows: [Row]
    }

    /// An operator's record that a government changed an entity's designation: every
    /// signal labelled with it is due for review now.
    public struct DesignationChange: Decodable, Sendable {
        public var entity: String
        public var note: String?
    }

    public struct DesignationChangeOut: Codable, Sendable {
        public var entity: String
        public var signalsDue: Int
        public var quarantined: Int
    }
}
