import CordonDomain
import CordonStore
import Foundation

/// Alternative narratives: partners keep campaigns; a match or removal carries those that
/// suit its labels, language and country; an incident surfaces those tagged for it;
/// platforms report reach back, and partners see it summed with small cells suppressed.
extension HubServices {
    public func createCampaign(_ command: API.CampaignIn, by caller: Caller) async throws -> Campaign {
        try authorise(.createCampaign, caller)
        let campaign = try await validated(command, id: UUID(), by: caller)
        try await storeCall { try await store.saveCampaign(campaign, by: caller, now: now()) }
        campaigns.invalidate()
        return campaign
    }

    /// The partner replaces its campaign's description.
    public func updateCampaign(_ id: UUID, _ command: API.CampaignIn, by caller: Caller) async throws -> Campaign {
        let current = try await authorisedCampaign(.updateCampaign, id, caller)
        var campaign = try await validated(command, id: id, by: caller)
        campaign.withdrawn = current.withdrawn
        try await storeCall { try await store.saveCampaign(campaign, by: caller, now: now()) }
        campaigns.invalidate()
        return campaign
    }

    /// A mirror's copy of the hub's registry: what the hub no longer lists is dropped.
    public func replaceCampaigns(with campaigns: [Campaign]) async throws {
        try await store.replaceCampaigns(with: campaigns, now: now())
        self.campaigns.invalidate()
    }

    /// The partner stops the campaign: it is suggested no more; its reach stays readable.
    public func withdrawCampaign(_ id: UUID, by caller: Caller) async throws -> Campaign {
        var campaign = try await authorisedCampaign(.updateCampaign, id, caller)
        campaign.withdrawn = true
        try await storeCall { try await store.saveCampaign(campaign, by: caller, now: now()) }
        campaigns.invalidate()
        return campaign
    }

    /// Every campaign (withdrawn ones only for their partner and overseers).
    public func listCampaigns(by caller: Caller) async throws -> [Campaign] {
        try authorise(.listCampaigns, caller)
        let overseer = [.operator, .auditor].contains(caller.kind)
        return try await store.campaigns().filter { !$0.withdrawn || overseer || $0.partnerID == caller.organisationID }
    }

    public func campaign(_ id: UUID, by caller: Caller) async throws -> Campaign {
        try await authorisedCampaign(.listCampaigns, id, caller)
    }

    /// The running campaigns tagged for an incident, for its audience, while it is active.
    public func campaigns(forIncident id: UUID, by caller: Caller) async throws -> [API.CampaignSuggestion] {
        let incident = try await authorisedIncident(.readIncident, id, caller)
        guard incident.state == IncidentState.active.rawValue else { return [] }
        let running = try await campaigns.current().campaigns.filter { $0.isRunning(at: now()) && $0.incidents.contains(id) }
        return running.map(API.CampaignSuggestion.init)
    }

    /// The campaigns suited to content with these labels, for the caller's platform: its
    /// `language` (any when nil) and `country` (its organisation's member state when nil).
    public func suggestions(for labels: [SignalLabels], language: String?, country: String?, by caller: Caller) async throws -> [API.CampaignSuggestion] {
        guard !labels.isEmpty else { return [] }
        let (all, states) = try await campaigns.current()
        let date = now()
        let place = country ?? states[caller.organisationID]
        return all.filter { campaign in
            campaign.isRunning(at: date) && labels.contains { campaign.suits($0, language: language, country: place) }
        }.map(API.CampaignSuggestion.init)
    }

    /// A platform reports a week's impressions and clicks per country.
    public func reportReach(_ id: UUID, _ command: API.ReachIn, by caller: Caller) async throws -> API.ReachOut {
        try authorise(.reportReach, caller)
        guard try await store.campaign(id) != nil else { throw ServiceError.notFound("campaign", "no campaign \(id)") }
        guard (1...1000).contains(command.rows.count) else {
            throw ServiceError.invalid("rows", "send 1 to 1,000 rows of week, country, impressions and clicks")
        }
        for (index, row) in command.rows.enumerated() {
            let field = "rows[\(index)]"
            guard CampaignReach.isWeek(row.week) else { throw ServiceError.invalid("\(field).week", "week is an ISO week such as 2026-W49; got '\(row.week)'") }
            guard Self.isCountry(row.country) else { throw ServiceError.invalid("\(field).country", "country is an ISO 3166 code such as DE; got '\(row.country)'") }
            guard row.impressions >= 0 else { throw ServiceError.invalid("\(field).impressions", "impressions is a count: 0 or more") }
            guard (0...row.impressions).contains(row.clicks) else {
                throw ServiceError.invalid("\(field).clicks", "clicks is a count from 0 to the row's impressions (\(row.impressions))")
            }
        }
        try await storeCall { try await store.reportReach(command.rows, for: id, by: caller, now: now()) }
        return try await reach(of: id)
    }

    /// A campaign's reach, summed over platforms, small cells suppressed: for its partner
    /// and the hub's overseers.
    public func reach(of id: UUID, by caller: Caller) async throws -> API.ReachOut {
        _ = try await authorisedCampaign(.readReach, id, caller)
        return try await reach(of: id)
    }

    private func reach(of id: UUID) async throws -> API.ReachOut {
        let cells = try await store.reach(of: id).map { row in
            row.impressions < CampaignReach.smallCell
                ? API.ReachOut.Cell(week: row.week, country: row.country, impressions: nil, clicks: nil, suppressed: true)
                : API.ReachOut.Cell(week: row.week, country: row.country, impressions: row.impressions, clicks: row.clicks, suppressed: false)
        }
        return API.ReachOut(campaign: id, cells: cells, impressions: cells.compactMap(\.impressions).reduce(0, +),
                            clicks: cells.compactMap(\.clicks).reduce(0, +))
    }

    /// The campaign, if the caller may do `useCase` on it (its partner's is `own`).
    private func authorisedCampaign(_ useCase: UseCase, _ id: UUID, _ caller: Caller) async throws -> Campaign {
        guard let campaign = try await store.campaign(id) else { throw ServiceError.notFound("campaign", "no campaign \(id)") }
        try authorise(useCase, caller, campaign.partnerID == caller.organisationID ? .own : .unrelated, field: "campaign",
                      notFound: "no campaign \(id)")
        return campaign
    }

    private func validated(_ command: API.CampaignIn, id: UUID, by caller: Caller) async throws -> Campaign {
        let name = try Validation.name(command.name, field: "name")
        var gammma: [String: String] = [:]
        for (field, value) in [("goal", command.goal), ("audience", command.audience), ("message", command.message),
                               ("messenger", command.messenger), ("media", command.media), ("callToAction", command.callToAction)] {
            let text = value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...2000).contains(text.count) else {
                throw ServiceError.invalid(field, "\(field) is one of the GAMMMA+ fields every campaign states (1 to 2,000 characters)")
            }
            gammma[field] = text
        }
        let languages = command.languages.map { $0.lowercased() }
        guard !languages.isEmpty, languages.allSatisfy({ $0.wholeMatch(of: /[a-z]{2}/) != nil }) else {
            throw ServiceError.invalid("languages", "name the campaign's languages as ISO 639-1 codes, such as [\"de\", \"ar\"]")
        }
        let ideologies = (command.ideologies ?? []).map { $0.lowercased() }
        if let bad = ideologies.first(where: { $0.wholeMatch(of: /[a-z][a-z-]{1,39}/) == nil }) {
            throw ServiceError.invalid("ideologies", "an ideology is a word such as islamist or far-right; got '\(bad)'")
        }
        guard !command.labels.categories.isEmpty || !command.labels.behaviours.isEmpty || command.labels.entity != nil else {
            throw ServiceError.invalid("labels", "tag the campaign with the categories, behaviours or entity of the content it answers")
        }
        let countries = (command.countries ?? []).map { $0.uppercased() }
        if let bad = countries.first(where: { !Self.isCountry($0) }) {
            throw ServiceError.invalid("countries", "countries are ISO 3166 codes such as DE; got '\(bad)'")
        }
        let incidents = command.incidents ?? []
        let known = try await store.existingIncidents(incidents)
        if let unknown = incidents.first(where: { !known.contains($0) }) {
            throw ServiceError.invalid("incidents", "no incident \(unknown)")
        }
        let validFrom = try command.validFrom.map { try Validation.date($0, field: "validFrom") } ?? now()
        let validUntil = try command.validUntil.map { try Validation.date($0, field: "validUntil") }
        if let validUntil, validUntil <= validFrom { throw ServiceError.invalid("validUntil", "validUntil comes after validFrom") }
        let landingPage = command.landingPage?.trimmingCharacters(in: .whitespaces)
        if let landingPage, URL(string: landingPage).map({ ["https", "http"].contains($0.scheme?.lowercased() ?? "") && $0.host != nil }) != true {
            throw ServiceError.invalid("landingPage", "landingPage is an http(s) address such as https://example.org/help")
        }
        let helpline = try Validation.note(command.helpline, field: "helpline", limit: 200).trimmingCharacters(in: .whitespaces)
        guard landingPage != nil || !helpline.isEmpty else {
            throw ServiceError.invalid("landingPage", "give a landing page or a helpline: where the call to action leads")
        }
        return Campaign(
            id: id, partnerID: caller.organisationID, partnerName: caller.organisationName, name: name, goal: gammma["goal"]!,
            audience: gammma["audience"]!, message: gammma["message"]!, messenger: gammma["messenger"]!, media: gammma["media"]!,
            callToAction: gammma["callToAction"]!, languages: languages, ideologies: ideologies, labels: command.labels,
            countries: countries, incidents: incidents, validFrom: validFrom, validUntil: validUntil, landingPage: landingPage,
            helpline: helpline.isEmpty ? nil : helpline)
    }

    static func isCountry(_ text: String) -> Bool { text.wholeMatch(of: /[A-Z]{2}/) != nil }
}
