import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import Foundation
import HTTPTypes
import Testing

/// Alternative narratives over real HTTP on SQLite and PostgreSQL: a partner registers
/// campaigns; a match of their labels suggests those for the platform's language and
/// country; an incident surfaces those tagged for it; platforms report reach and the
/// partner sees it summed with small cells suppressed.
@Suite struct CampaignTests {
    static func campaign(_ changes: [String: Any] = [:]) -> [String: Any] {
        var body: [String: Any] = [
            "name": "Exit Deutschland", "goal": "Members leave violent groups", "audience": "Young men drawn to jihadist propaganda",
            "message": "There is a way out, and people who took it", "messenger": "Former members", "media": "Short videos",
            "callToAction": "Talk to a counsellor today", "languages": ["de", "TR"], "ideologies": ["islamist"],
            "labels": ["categories": ["incitement"], "behaviours": ["recruitment"]], "countries": ["DE", "AT"],
            "landingPage": "https://exit.example/de", "helpline": "+49 30 1234 5678",
        ]
        body.merge(changes) { $1 }
        return body
    }

    @Test(arguments: Backend.allCases)
    func aMatchSuggestsSuitedCampaignsAndReachIsSuppressedInSmallCells(_ backend: Backend) async throws {
        let f = try await HubFixture.make(backend)
        try await f.withServer { c in
            let (partnerID, partner) = try await HubAPITests.member(f, c, name: "Exit NGO", kind: .partner, role: .contributor, access: nil)
            let (_, otherPartner) = try await HubAPITests.member(f, c, name: "Other NGO", kind: .partner, role: .admin, access: nil)
            #expect(try await c.call(.patch, "/v1/organisations/\(f.alpha)", key: f.operatorKey, json: ["memberState": "DE"]).status == 200)

            // Bad campaigns are refused by field; nothing is stored.
            for (change, field) in [(["languages": [String]()], "languages"), (["landingPage": "ftp://x", "helpline": ""], "landingPage"),
                                    (["labels": [String: Any]()], "labels"), (["goal": " "], "goal"), (["countries": ["Germany"]], "countries"),
                                    (["validFrom": "2027-01-01T00:00:00Z", "validUntil": "2026-01-01T00:00:00Z"], "validUntil"),
                                    (["incidents": [UUID().uuidString]], "incidents")] as [([String: Any], String)] {
                let refused = try await c.call(.post, "/v1/campaigns", key: partner, json: Self.campaign(change))
                #expect(refused.status == 400 && refused.error["field"] as? String == field, "\(field): \(refused.object)")
            }
            #expect(try await f.store.campaigns().isEmpty)
            // Platforms share hashes; they do not register campaigns. Partners do not match.
            #expect(try await c.call(.post, "/v1/campaigns", key: f.adminKey, json: Self.campaign()).status == 403)
            let partnerMatch = try await c.call(.post, "/v1/match", key: partner, json: ["type": "md5", "value": String(repeating: "a", count: 32)])
            #expect(partnerMatch.status == 403 && partnerMatch.error["field"] as? String == "organisation")

            let made = try await c.call(.post, "/v1/campaigns", key: partner, json: Self.campaign())
            #expect(made.status == 201 && made.object["partnerName"] as? String == "Exit NGO", "\(made.object)")
            let id = try #require(made.object["id"] as? String)
            #expect(made.object["languages"] as? [String] == ["de", "tr"])
            let elsewhere = try await c.call(.post, "/v1/campaigns", key: partner, json: Self.campaign(["name": "France only", "countries": ["FR"]]))
            #expect(elsewhere.status == 201)

            // A match of an incitement hash suggests the German campaign, not the French one.
            let value = String(repeating: "b", count: 32)
            _ = try await c.call(.post, "/v1/collections/\(f.collection)/signals", key: f.adminKey, json: [
                "type": "md5", "value": value, "labels": ["categories": ["incitement"]]])
            let match = try await c.call(.post, "/v1/match", key: f.adminKey, json: ["type": "md5", "value": value, "language": "de"])
            let suggested = try #require(match.object["campaigns"] as? [[String: Any]], "\(match.object)")
            #expect(suggested.map { $0["name"] as? String } == ["Exit Deutschland"])
            #expect(suggested.first?["partner"] as? String == "Exit NGO" && suggested.first?["helpline"] as? String == "+49 30 1234 5678")
            #expect(suggested.first?["partnerID"] == nil, "platforms see the partner's name, nothing more")
            let french = try await c.call(.post, "/v1/match", key: f.adminKey, json: ["type": "md5", "value": value, "language": "fr"])
            #expect(french.object["campaigns"] == nil)
            let inFrance = try await c.call(.post, "/v1/match", key: f.adminKey, json: ["type": "md5", "value": value, "country": "FR"])
            #expect((inFrance.object["campaigns"] as? [[String: Any]])?.map { $0["name"] as? String } == ["France only"])
            let badLanguage = try await c.call(.post, "/v1/match", key: f.adminKey, json: ["type": "md5", "value": value, "language": "german"])
            #expect(badLanguage.status == 400 && badLanguage.error["field"] as? String == "language")

            // Withdrawn: suggested no more (after the shelf's refresh), still listed for its partner.
            let other = try await c.call(.post, "/v1/campaigns/\(id)/withdraw", key: otherPartner)
            #expect(other.status == 403 && other.error["field"] as? String == "campaign")
            #expect(try await c.call(.post, "/v1/campaigns/\(id)/withdraw", key: partner).object["withdrawn"] as? Bool == true)
            #expect(try await c.call(.post, "/v1/match", key: f.adminKey, json: ["type": "md5", "value": value, "language": "de"]).object["campaigns"] == nil)
            #expect(try await c.call(.get, "/v1/campaigns", key: partner).array.count == 2)
            #expect(try await c.call(.get, "/v1/campaigns", key: f.adminKey).array.count == 1)

            // Reach: platforms report, the partner reads aggregates, a cell under 10 is suppressed.
            let week = try await c.call(.post, "/v1/campaigns/\(id)/reach", key: f.adminKey, json: ["rows": [["week": "2026-49", "country": "DE", "impressions": 1, "clicks": 0]]])
            #expect(week.status == 400 && week.error["field"] as? String == "rows[0].week")
            let clicks = try await c.call(.post, "/v1/campaigns/\(id)/reach", key: f.adminKey, json: ["rows": [["week": "2026-W49", "country": "DE", "impressions": 1, "clicks": 5]]])
            #expect(clicks.status == 400 && clicks.error["field"] as? String == "rows[0].clicks")
            let reported = try await c.call(.post, "/v1/campaigns/\(id)/reach", key: f.adminKey, json: ["rows": [
                ["week": "2026-W49", "country": "DE", "impressions": 1200, "clicks": 31],
                ["week": "2026-W49", "country": "AT", "impressions": 7, "clicks": 1],
            ]])
            #expect(reported.status == 200)
            let reach = try await c.call(.get, "/v1/campaigns/\(id)/reach", key: partner)
            let cells = try #require(reach.object["cells"] as? [[String: Any]])
            let austria = try #require(cells.first { $0["country"] as? String == "AT" })
            #expect(austria["suppressed"] as? Bool == true && austria["impressions"] == nil && austria["clicks"] == nil)
            #expect(reach.object["impressions"] as? Int == 1200 && reach.object["clicks"] as? Int == 31, "suppressed cells are in no total")
            #expect(try await c.call(.get, "/v1/campaigns/\(id)/reach", key: otherPartner).status == 403)
            #expect(try await c.call(.get, "/v1/campaigns/\(id)/reach", key: f.adminKey).status == 403)
            _ = partnerID
        }
    }

    @Test func campaignsTaggedForAnActiveIncidentReachItsMembers() async throws {
        let f = try await HubFixture.make()
        try await f.withServer { c in
            let (_, partner) = try await HubAPITests.member(f, c, name: "Crisis NGO", kind: .partner, role: .contributor, access: nil)
            let (bravo, bravoKey) = try await HubAPITests.member(f, c, name: "Bravo", role: .admin, access: .read)
            for member in [f.alpha, bravo] {
                #expect(try await c.call(.put, "/v1/organisations/\(member)/board", key: f.operatorKey, json: ["seated": true]).status == 204)
            }
            let incident = try #require(try await c.call(.post, "/v1/incidents", key: f.adminKey, json: IncidentTests.proposal()).object["id"] as? String)
            _ = try await c.call(.post, "/v1/campaigns", key: partner, json: Self.campaign(["name": "After Halle", "incidents": [incident]]))
            _ = try await c.call(.post, "/v1/campaigns", key: partner, json: Self.campaign(["name": "Untagged"]))
            #expect(try await c.call(.get, "/v1/incidents/\(incident)/campaigns", key: bravoKey).array.isEmpty, "not before it is active")
            for key in [f.adminKey, bravoKey] {
                #expect(try await c.call(.post, "/v1/incidents/\(incident)/votes", key: key, json: ["decision": "activate", "reason": "livestream"]).status == 200)
            }
            let surfaced = try await c.call(.get, "/v1/incidents/\(incident)/campaigns", key: bravoKey)
            #expect(surfaced.array.map { $0["name"] as? String } == ["After Halle"], "\(surfaced.json ?? "")")
            #expect(try await c.call(.get, "/v1/incidents/\(incident)/campaigns", key: partner).status == 403)

            // A confirmed removal of incitement offers the campaigns that answer it.
            let (_, unit) = try await HubAPITests.member(f, c, name: "IRU", kind: .referralUnit, role: .contributor, access: nil)
            let referral = try await c.call(.post, "/v1/referrals", key: unit, json: [
                "platform": f.alpha.uuidString, "urls": ["https://video.example/w/1"], "statement": "Glorifies the attack", "categories": ["incitement"]])
            let caseID = try #require(referral.object["id"] as? String, "\(referral.object)")
            let removed = try await c.call(.post, "/v1/cases/\(caseID)/actions", key: f.adminKey, json: ["action": "confirm-removal"])
            #expect(removed.status == 200, "\(removed.object)")
            #expect(Set((removed.object["campaigns"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }) == ["After Halle", "Untagged"])
        }
    }
}
