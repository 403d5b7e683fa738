import CordonDomain
import Foundation

/// A referral or removal order as the hub accepted it, ready to store.
public struct NewCase: Sendable {
    public var id = UUID()
    public var kind: CaseKind
    public var platformID: UUID
    public var reference: String
    public var urls: [ContentURL]
    public var hashes: [ContentHash]
    public var categories: [ContentCategory]
    public var statement: String
    public var emergency: Bool
    /// For an order: the canonical JSON the issuer signed, the signature and the key.
    public var signedOrder: SignedOrder?
    public var nonDisclosureUntil: Date?
    /// Open it even where another case covers the same URL (holds still apply).
    public var override: Bool

    public struct SignedOrder: Sendable {
        public var canonicalJSON: String
        public var signature: String
        public var keyID: UUID

        public init(canonicalJSON: String, signature: String, keyID: UUID) {
            self.canonicalJSON = canonicalJSON
            self.signature = signature
            self.keyID = keyID
        }
    }

    public init(kind: CaseKind, platformID: UUID, reference: String, urls: [ContentURL], hashes: [ContentHash] = [],
                categories: [ContentCategory], statement: String, emergency: Bool = false, signedOrder: SignedOrder? = nil,
                nonDisclosureUntil: Date? = nil, override: Bool = false) {
        self.kind = kind
        self.platformID = platformID
        self.reference = reference
        self.urls = urls
        self.hashes = hashes
        self.categories = categories
        self.statement = statement
        self.emergency = emergency
        self.signedOrder = signedOrder
        self.nonDisclosureUntil = nonDisclosureUntil
        self.override = override
    }
}

/// Rules of the desk an operator may change; every time comes from the caller's clock.
public struct DeskRules: Sendable {
    public var clock: OrderClock
    /// The removal checker's first fetch after receipt (within the hour).
    public var firstCheckAfter: TimeInterval
    /// Between later fetches while the content is live.
    public var checkInterval: TimeInterval
    /// Checks stop after this long.
    public var checkFor: TimeInterval
    /// The platform may request scrutiny of an order within this long of receipt (48 h, unverified).
    public var scrutinyRequestWindow: TimeInterval
    /// The home authority decides within this long (72 h).
    public var scrutinyDecisionWindow: TimeInterval
    /// Preserved records are kept this long after preservation (six months).
    public var preservationPeriod: TimeInterval
    /// A delivered webhook's body (a copy of an event: reasons, URLs, hashes) is kept this
    /// long for the sender's own inspection, then emptied; the delivery's record stays.
    public var deliveredBodyRetention: TimeInterval = 30 * 86_400

    public init(clock: OrderClock = OrderClock(), firstCheckAfter: TimeInterval = 15 * 60, checkInterval: TimeInterval = 86_400,
                checkFor: TimeInterval = 90 * 86_400, scrutinyRequestWindow: TimeInterval = 48 * 3600,
                scrutinyDecisionWindow: TimeInterval = 72 * 3600, preservationPeriod: TimeInterval = 183 * 86_400) {
        self.clock = clock
        self.firstCheckAfter = firstCheckAfter
        self.checkInterval = checkInterval
        self.checkFor = checkFor
        self.scrutinyRequestWindow = scrutinyRequestWindow
        self.scrutinyDecisionWindow = scrutinyDecisionWindow
        self.preservationPeriod = preservationPeriod
    }
}

/// Why a case was not opened: its URLs are covered by other cases or holds. Each item
/// names the URL (by index) and the case or hold that covers it.
public struct DeconflictionError: Error, Sendable {
    public struct Item: Sendable, Hashable {
        public var index: Int
        public var url: String
        public var message: String
    }

    public var items: [Item]
    /// True when a hold (which no override lifts) is among the reasons.
    public var held: Bool
}
