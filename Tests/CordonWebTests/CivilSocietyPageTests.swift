import CordonDomain
import CordonServices
import CordonStore
import Foundation
import HTTPTypes
import Testing

/// The civil-society pages over plain HTTP: what a partner's staff sees, the public
/// report without sign-in, a trusted flagger's yearly report, and bad input beside its field.
@Suite struct CivilSocietyPageTests {
    @Test func aPartnerSeesCampaignsNotHashesAndThePublicReportNeedsNoSignIn() async throws {
        let f = try await PageFixture.make()
        try await f.withServer { _, http in
            // Without signing in: the public report, small counts left out; the dashboard's is refused.
            let anonymous = PageClient(http)
            let report = try await anonymous.get("/public/transparency")
            #expect(report.status == .ok && report.body.contains("Counts under 10 are not shown") && !report.body.contains("Sign out"))
            let csv = try await anonymous.get("/public/transparency.csv")
            #expect(csv.status == .ok && csv.body.hasPrefix("group,label,count\n"))
            #expect(try await anonymous.get("/public/transparency?year=nineteen").status == .badRequest)
            #expect(try await anonymous.get("/transparency/network.csv").status == .seeOther)

            // A partner's staff: campaigns and notices, no hash lists or cases.
            let partner = PageClient(http)
            _ = try await partner.signIn(PageFixture.emails.partner)
            let overview = try await partner.get("/")
            #expect(overview.status == .ok && overview.body.contains("href=\"/campaigns\"") && !overview.body.contains("href=\"/lists\""))
            let campaigns = try await partner.get("/campaigns")
            #expect(campaigns.status == .ok && campaigns.body.contains("id=\"new-campaign\""))
            #expect(try await partner.get("/lists").status == .forbidden)

            // The platform's reach form refuses a bad week beside its field and stores nothing.
            let campaign = try await f.services.createCampaign(try API.command(API.CampaignIn.self, [
                "name": "Exit", "goal": "g", "audience": "a", "message": "m", "messenger": "m", "media": "m", "callToAction": "c",
                "languages": ["de"], "labels": ["categories": ["incitement"]], "helpline": "+49 30 1",
            ]), by: f.partner)
            let moderator = PageClient(http)
            _ = try await moderator.signIn(PageFixture.emails.moderator)
            let page = try await moderator.get("/campaigns/\(campaign.id)")
            #expect(page.status == .ok && page.body.contains("id=\"report-reach\"") && !page.body.contains("id=\"reach\""))
            let bad = try await moderator.post("/campaigns/\(campaign.id)/reach", [("_csrf", page.csrf ?? ""), ("week", "49"), ("country", "DE"),
                                                                                 ("impressions", "100"), ("clicks", "3")])
            #expect(bad.status == .badRequest && bad.body.contains("id=\"week-error\""))
            #expect(try await f.services.reach(of: campaign.id, by: f.partner).cells.isEmpty)

            // A trusted flagger's yearly report: its own, no personal data.
            _ = try await f.services.submitNotice(try API.command(API.NoticeIn.self, [
                "platform": f.platform.organisationID.uuidString, "explanation": "Recruitment", "urls": ["https://v.example/1"],
                "notifierName": "Sam Worker", "notifierEmail": "sam@streetwork.example", "bonaFide": true, "categories": ["participation"],
            ]), by: f.flagger)
            let worker = PageClient(http)
            _ = try await worker.signIn(PageFixture.emails.worker)
            let yearly = try await worker.get("/trusted-flaggers/\(f.flagger.organisationID)/report")
            #expect(yearly.status == .ok && yearly.body.contains("id=\"report-notices\">1<") && !yearly.body.contains("sam@"))
            #expect(try await moderator.get("/trusted-flaggers/\(f.flagger.organisationID)/report").status == .forbidden)
        }
    }
}
