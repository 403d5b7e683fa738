import CordonDomain
import Foundation

extension API {
    /// A partner's campaign as sent: GAMMMA+ fields, taxonomy labels, where and when.
    public struct CampaignIn: Decodable, Sendable {
        public var name: String
        public var goal: String
        public var audience: String
        public var message: String
        public var messenger: String
        public var media: String
        public var callToAction: String
        public var languages: [String]
        public var ideologies: [String]?
        public var labels: SignalLabels
        public var countries: [String]?
        public var incidents: [UUID]?
        public var validFrom: String?
        public var validUntil: String?
        public var landingPage: String?
        public var helpline: String?
    }

    /// What a platform is offered beside a match or a removal: enough to show a "get
    /// help" notice; the partner by its organisation's name only.
    public struct CampaignSuggestion: Codable, Sendable, Hashable {
        public var id: UUID
        public var partner: String
        public var name: String
        public var message: String
        public var callToAction: String
        public var languages: [String]
        public var landingPage: String?
        public var helpline: String?

        public init(_ campaign: Campaign) {
            id = campaign.id
            partner = campaign.partnerName
            name = campaign.name
            message = campaign.message
            callToAction = campaign.callToAction
            languages = campaign.languages
            landingPage = campaign.landingPage
            helpline = campaign.helpline
        }
    }

    /// A platform's reach figures for a campaign.
    public struct ReachIn: Decodable, Sendable {
        public var rows: [CampaignReach]
    }

    /// A campaign's reach across platforms, by week and country; a cell counting fewer
    /// than ``CampaignReach/smallCell`` impressions is suppressed (its figures left out).
    public struct ReachOut: Codable, Sendable {
        public struct Cell: Codable, Sendable {
            public var week: String
            public var country: String
            public var impressions: Int?
            public var clicks: Int?
            public var suppressed: Bool
        }
        public var campaign: UUID
        public var cells: [Cell]
        /// Totals over the cells shown; suppressed cells are in neither.
        public var impressions: Int
        public var clicks: Int
    }
}
