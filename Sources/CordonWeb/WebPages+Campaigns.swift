import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import Foundation
import HTTPTypes
import Hummingbird

/// Alternative narratives: the registry of partners' campaigns and a partner's form; a
/// campaign's page with its reach (small cells suppressed), a platform's reach form and
/// the partner's withdrawal.
extension WebPages {
    func addCampaignRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("campaigns") { _, context in try await campaignsPage(context: context) }
        router.post("campaigns") { request, context in
            try await submit(request, context) { form, caller in
                let campaign = try await services.createCampaign(try Self.decode(API.CampaignIn.self, Self.campaignFields(form)), by: caller)
                return Self.redirect("/campaigns/\(campaign.id)")
            } refused: { error, form in
                try await campaignsPage(context: context, form: form.echo, errors: Self.errors(error, fields: Self.campaignErrorFields), status: error.status)
            }
        }
        router.get("campaigns/:id") { _, context in try await campaignPage(try Self.uuid(context, "id"), context: context) }
        router.post("campaigns/:id/withdraw") { request, context in
            let id = try Self.uuid(context, "id")
            return try await submit(request, context) { _, caller in
                _ = try await services.withdrawCampaign(id, by: caller)
                return Self.redirect("/campaigns/\(id)")
            } refused: { error, _ in try await campaignPage(id, context: context, errors: ["form": error.message], status: error.status) }
        }
        router.post("campaigns/:id/reach") { request, context in
            let id = try Self.uuid(context, "id")
            return try await submit(request, context) { form, caller in
                _ = try await services.reportReach(id, try Self.decode(API.ReachIn.self, ["rows": [[
                    "week": form["week"] ?? "", "country": (form["country"] ?? "").uppercased(),
                    "impressions": Int(form["impressions"] ?? "") ?? -1, "clicks": Int(form["clicks"] ?? "") ?? -1,
                ]]]), by: caller)
                return Self.redirect("/campaigns/\(id)")
            } refused: { error, _ in
                let field = error.field.map { String($0.split(separator: ".").last ?? "") } ?? "form"
                return try await campaignPage(id, context: context, errors: [["week", "country", "impressions", "clicks"].contains(field) ? field : "form": error.message],
                                              status: error.status)
            }
        }
    }

    static let campaignErrorFields: Set<String> = ["name", "goal", "audience", "message", "messenger", "media", "callToAction", "languages",
                                                   "ideologies", "labels", "countries", "validUntil", "landingPage", "helpline"]

    /// The form's fields as the API's campaign: lists are comma-separated.
    static func campaignFields(_ form: PageForm) -> [String: Any] {
        func list(_ name: String) -> [String] {
            (form[name] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        var fields: [String: Any] = [:]
        for name in ["name", "goal", "audience", "message", "messenger", "media", "callToAction"] { fields[name] = form[name] ?? "" }
        fields["languages"] = list("languages")
        fields["ideologies"] = list("ideologies")
        fields["countries"] = list("countries")
        var labels: [String: Any] = ["categories": form.all("categories"), "behaviours": form.all("behaviours")]
        if let entity = form["entity"] { labels["entity"] = entity }
        fields["labels"] = labels
        if let landing = form["landingPage"] { fields["landingPage"] = landing }
        if let helpline = form["helpline"] { fields["helpline"] = helpline }
        if let until = form["validUntil"] { fields["validUntil"] = until + "T00:00:00Z" }
        return fields
    }

    private func campaignsPage(context: HubRequestContext, form: [String: String] = [:], errors: [String: String] = [:],
                               status: HTTPResponse.Status = .ok) async throws -> Response {
        let caller = try Self.session(context).caller
        let campaigns = try await services.listCampaigns(by: caller)
        return page("campaigns", title: "Campaigns", [
            "campaigns": campaigns.map { campaign -> [String: Any] in
                ["id": campaign.id.uuidString, "name": campaign.name, "partner": campaign.partnerName,
                 "labels": PageValues.labels(campaign.labels), "languages": campaign.languages.joined(separator: ", "),
                 "countries": campaign.countries.isEmpty ? "everywhere" : campaign.countries.joined(separator: ", "),
                 "state": campaign.withdrawn ? "withdrawn" : campaign.isRunning(at: services.now()) ? "running" : "not running"]
            },
            "hasCampaigns": !campaigns.isEmpty, "mayCreate": may(.createCampaign, caller),
            "categories": ContentCategory.allCases.map(\.rawValue), "behaviours": Behaviour.allCases.map(\.rawValue),
            "form": form, "errors": errors,
        ], context: context, status: status)
    }

    private func campaignPage(_ id: UUID, context: HubRequestContext, errors: [String: String] = [:],
                              status: HTTPResponse.Status = .ok) async throws -> Response {
        let caller = try Self.session(context).caller
        let campaign = try await services.campaign(id, by: caller)
        let own = campaign.partnerID == caller.organisationID
        // Reach is its partner's and the overseers' to read: the use case decides, the page shows what it may.
        var reach: API.ReachOut?
        do {
            reach = try await services.reach(of: id, by: caller)
        } catch let error as ServiceError where error.status == .forbidden {}
        var weeks: [String: Int] = [:]
        for cell in reach?.cells ?? [] { weeks[cell.week, default: 0] += cell.impressions ?? 0 }
        return page("campaign", title: campaign.name, [
            "campaign": [
                "id": id.uuidString, "name": campaign.name, "partner": campaign.partnerName, "goal": campaign.goal, "audience": campaign.audience,
                "message": campaign.message, "messenger": campaign.messenger, "media": campaign.media, "callToAction": campaign.callToAction,
                "languages": campaign.languages.joined(separator: ", "), "ideologies": campaign.ideologies.joined(separator: ", "),
                "labels": PageValues.labels(campaign.labels),
                "countries": campaign.countries.isEmpty ? "everywhere" : campaign.countries.joined(separator: ", "),
                "validFrom": PageValues.time(campaign.validFrom), "validUntil": campaign.validUntil.map(PageValues.time) ?? false,
                "landingPage": campaign.landingPage ?? false, "helpline": campaign.helpline ?? false, "withdrawn": campaign.withdrawn,
            ] as [String: Any],
            "reach": reach.map { reach -> [String: Any] in
                ["cells": reach.cells.map { ["week": $0.week, "country": $0.country, "impressions": $0.impressions.map(String.init) ?? "fewer than 10",
                                             "clicks": $0.clicks.map(String.init) ?? "—", "suppressed": $0.suppressed] },
                 "impressions": reach.impressions, "clicks": reach.clicks, "hasCells": !reach.cells.isEmpty,
                 "chart": SVGChart.bars(weeks.sorted { $0.key < $1.key }.suffix(8).map { ($0.key, $0.value) }, title: "Impressions by week")]
            } ?? false,
            "mayWithdraw": own && !campaign.withdrawn && may(.updateCampaign, caller),
            "mayReport": may(.reportReach, caller),
            "errors": errors,
        ], context: context, status: status, current: "Campaigns")
    }
}
