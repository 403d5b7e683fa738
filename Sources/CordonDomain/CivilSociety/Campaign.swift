import Foundation

/// A civil-society partner's alternative- or counter-narrative campaign, described by the
/// RAN's GAMMMA+ model (goal, audience, message, messenger, media, call to action) and
/// tagged with the hash taxonomy, so a platform that matches or removes content with
/// those labels can show a "get help" notice that fits it.
public struct Campaign: Codable, Sendable, Hashable, Identifiable {
    public var id: UUID
    /// The partner organisation that keeps it (never its staff: platforms see only this).
    public var partnerID: UUID
    public var partnerName: String
    public var name: String
    // GAMMMA+
    public var goal: String
    public var audience: String
    public var message: String
    public var messenger: String
    public var media: String
    public var callToAction: String
    /// ISO 639-1 codes, lowercase: the languages its material is in.
    public var languages: [String]
    /// TAT's ideology words and the like (`islamist`, `far-right`, …).
    public var ideologies: [String]
    /// Which matched content it answers: any of these categories, behaviours or entity.
    public var labels: SignalLabels
    /// ISO 3166-1 alpha-2 codes, uppercase; empty means everywhere.
    public var countries: [String]
    /// Incidents it is tagged for: surfaced to their members while they are active.
    public var incidents: [UUID]
    public var validFrom: Date
    public var validUntil: Date?
    public var landingPage: String?
    public var helpline: String?
    public var withdrawn: Bool

    public init(id: UUID, partnerID: UUID, partnerName: String, name: String, goal: String, audience: String, message: String,
                messenger: String, media: String, callToAction: String, languages: [String], ideologies: [String], labels: SignalLabels,
                countries: [String], incidents: [UUID], validFrom: Date, validUntil: Date?, landingPage: String?, helpline: String?,
                withdrawn: Bool = false) {
        self.id = id
        self.partnerID = partnerID
        self.partnerName = partnerName
        self.name = name
        self.goal = goal
        self.audience = audience
        self.message = message
        self.messenger = messenger
        self.media = media
        self.callToAction = callToAction
        self.languages = languages
        self.ideologies = ideologies
        self.labels = labels
        self.countries = countries
        self.incidents = incidents
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.landingPage = landingPage
        self.helpline = helpline
        self.withdrawn = withdrawn
    }

    /// Whether it runs at `date`.
    public func isRunning(at date: Date) -> Bool {
        !withdrawn && validFrom <= date && validUntil.map { date < $0 } ?? true
    }

    /// Whether it suits content labelled `matched`, for a platform in `country` showing
    /// `language` (nil: any): it shares a category, behaviour or entity, runs in the country
    /// (or everywhere), and has material in the language.
    public func suits(_ matched: SignalLabels, language: String?, country: String?) -> Bool {
        let sharesLabel = !Set(labels.categories).isDisjoint(with: matched.categories)
            || !Set(labels.behaviours).isDisjoint(with: matched.behaviours)
            || (labels.entity != nil && labels.entity?.lowercased() == matched.entity?.lowercased())
        guard sharesLabel else { return false }
        if let country, !countries.isEmpty, !countries.contains(country.uppercased()) { return false }
        if let language, !languages.contains(language.lowercased()) { return false }
        return true
    }
}

/// Reach figures a platform reports for a campaign: one ISO week, one country.
public struct CampaignReach: Codable, Sendable, Hashable {
    /// ISO 8601 week, `2026-W49`.
    public var week: String
    public var country: String
    public var impressions: Int
    public var clicks: Int

    public init(week: String, country: String, impressions: Int, clicks: Int) {
        self.week = week
        self.country = country
        self.impressions = impressions
        self.clicks = clicks
    }

    /// Cells counting fewer people than this are suppressed in what partners see.
    public static let smallCell = 10

    /// Whether `text` is an ISO 8601 week such as `2026-W49`.
    public static func isWeek(_ text: String) -> Bool {
        text.wholeMatch(of: /[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])/) != nil
    }
}
