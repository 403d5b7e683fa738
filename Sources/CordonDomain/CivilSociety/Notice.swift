import Foundation

/// A notice of illegal content under DSA Art. 16, sent to a platform through the hub:
/// the four elements Art. 16(2) requires as typed fields, with the hub's receipt and,
/// once decided, the platform's decision and the notifier's redress.
public struct Notice: Codable, Sendable, Hashable, Identifiable {
    public var id: Int
    /// The organisation the notifier works for (a trusted flagger, a youth-work NGO…).
    public var notifierID: UUID
    public var notifierOrganisation: String
    public var platformID: UUID
    /// (a) Why the notifier holds the content illegal.
    public var explanation: String
    /// (b) Its exact location: URLs, and where needed more to find it.
    public var urls: [String]
    public var locator: String?
    /// (c) Who sends it.
    public var notifierName: String
    public var notifierEmail: String
    /// (d) The notifier's bona fide statement.
    public var bonaFide: Bool
    /// The type of alleged illegal content, in the taxonomy.
    public var categories: [ContentCategory]
    public var receivedAt: Date
    /// Sent by a trusted flagger acting within its area of expertise (Art. 22(1)).
    public var priority: Bool
    /// When the platform's timer for a priority notice runs out.
    public var dueAt: Date?
    public var decision: NoticeDecision?

    public init(id: Int, notifierID: UUID, notifierOrganisation: String, platformID: UUID, explanation: String, urls: [String],
                locator: String?, notifierName: String, notifierEmail: String, bonaFide: Bool, categories: [ContentCategory],
                receivedAt: Date, priority: Bool, dueAt: Date?, decision: NoticeDecision? = nil) {
        self.id = id
        self.notifierID = notifierID
        self.notifierOrganisation = notifierOrganisation
        self.platformID = platformID
        self.explanation = explanation
        self.urls = urls
        self.locator = locator
        self.notifierName = notifierName
        self.notifierEmail = notifierEmail
        self.bonaFide = bonaFide
        self.categories = categories
        self.receivedAt = receivedAt
        self.priority = priority
        self.dueAt = dueAt
        self.decision = decision
    }
}

/// What a platform did about a notice (Art. 16(5)), how it judged the notice's quality
/// (which counts toward the notifier's precision and Art. 22(6)/23(2) counters), and what
/// the notifier can do if it disagrees.
public struct NoticeDecision: Codable, Sendable, Hashable {
    public var action: NoticeAction
    /// `law` (illegal content) or `terms` (the platform's terms and conditions).
    public var ground: String
    public var explanation: String
    public var automated: Bool
    public var assessment: NoticeAssessment
    public var decidedAt: Date
    /// The redress open to the notifier (Art. 16(5), 20, 21): internal complaint,
    /// out-of-court settlement, the courts.
    public var redress: String

    public init(action: NoticeAction, ground: String, explanation: String, automated: Bool, assessment: NoticeAssessment,
                decidedAt: Date, redress: String) {
        self.action = action
        self.ground = ground
        self.explanation = explanation
        self.automated = automated
        self.assessment = assessment
        self.decidedAt = decidedAt
        self.redress = redress
    }

    /// The redress a decision names unless the platform gives its own.
    public static func standardRedress(platform: String) -> String {
        "If you disagree, you may complain to \(platform) through its internal complaint-handling system (DSA Art. 20) "
            + "within six months, refer the dispute to a certified out-of-court dispute settlement body (Art. 21), "
            + "or go to court. This decision notice carries no personal data of the content's uploader."
    }
}

public enum NoticeAction: String, Codable, Sendable, CaseIterable {
    case removed
    case disabled
    case restricted
    case noAction = "no-action"

    /// Whether the platform acted on the notice.
    public var isAction: Bool { self != .noAction }
}

/// How the platform judged the notice itself.
public enum NoticeAssessment: String, Codable, Sendable, CaseIterable {
    case substantiated
    /// Too imprecise or unsubstantiated to act on (Art. 22(6)).
    case insufficientlyPrecise = "insufficiently-precise"
    /// Manifestly unfounded (Art. 23(2)): counts as misuse.
    case manifestlyUnfounded = "manifestly-unfounded"
}

/// An entity awarded trusted-flagger status (DSA Art. 22) by a Digital Services
/// Coordinator, as the hub's register records it: its notices within its area of
/// expertise go first in a platform's queue, on a timer.
public struct TrustedFlagger: Codable, Sendable, Hashable {
    public var organisationID: UUID
    public var name: String
    /// The Digital Services Coordinator that awarded the status.
    public var awardingAuthority: String
    /// Its area of expertise, in the taxonomy; empty categories cover all.
    public var expertise: [ContentCategory]
    public var validFrom: Date
    public var validUntil: Date?
    public var suspended: Bool
    public var suspensionReason: String?
    /// Hours a platform has to decide its priority notices.
    public var responseHours: Int
    /// How it keeps its independence (published in its yearly report, Art. 22(3)).
    public var independence: String

    public init(organisationID: UUID, name: String, awardingAuthority: String, expertise: [ContentCategory], validFrom: Date,
                validUntil: Date?, suspended: Bool = false, suspensionReason: String? = nil, responseHours: Int, independence: String) {
        self.organisationID = organisationID
        self.name = name
        self.awardingAuthority = awardingAuthority
        self.expertise = expertise
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.suspended = suspended
        self.suspensionReason = suspensionReason
        self.responseHours = responseHours
        self.independence = independence
    }

    /// Whether its status holds at `date`.
    public func isActive(at date: Date) -> Bool {
        !suspended && validFrom <= date && validUntil.map { date < $0 } ?? true
    }

    /// Whether a notice of `categories` lies within its expertise.
    public func covers(_ categories: [ContentCategory]) -> Bool {
        expertise.isEmpty || !Set(expertise).isDisjoint(with: categories)
    }
}
