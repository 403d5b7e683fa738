import CordonDomain
import CordonStore
import CordonTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

/// Referrals over real HTTP: de-confliction and holds, the removal checker, complaints,
/// scrutiny of cross-border orders, preservation and the transparency figures.
@Suite struct ReferralDeskTests {
    @Test(arguments: Backend.allCases)
    func aSecondIssuerIsShownTheFirstAndHoldsBlockReferral(_ backend: Backend) async throws {
        let d = try await DeskFixture.make(backend)
        try await d.hub.withServer { c in
            func refer(_ key: String, _ url: String, override: Bool = false) async throws -> HubClient.Reply {
                try await c.call(.post, "/v1/referrals", key: key,
                                 json: ["platform": d.beta.uuidString, "urls": [url], "statement": "ToS breach", "override": override])
            }
            let first = try await refer(d.unitKey, "https://Forum.example.org/t/1?utm_campaign=x")
            #expect(first.status == 201)
            let firstID = try #require(first.object["id"] as? String)
            let duplicate = try await refer(d.deKey, "https://forum.example.org/t/1")
            #expect(duplicate.status == 409 && duplicate.error["code"] as? String == "duplicate")
            let item = try #require((duplicate.error["items"] as? [[String: Any]])?.first)
            #expect(item["field"] as? String == "urls[0]" && (item["message"] as? String)?.contains(firstID) == true)
            // A trusted flagger learns the platform has the URL, not who ordered what
            // (review finding F17).
            let fromFlagger = try await refer(d.flaggerKey, "https://forum.example.org/t/1")
            let flaggerItem = (fromFlagger.error["items"] as? [[String: Any]])?.first?["message"] as? String ?? ""
            #expect(fromFlagger.status == 409 && flaggerItem.contains("already before the platform"), "\(fromFlagger.json ?? "")")
            #expect(!flaggerItem.contains(firstID) && !flaggerItem.contains("referral"), "\(flaggerItem)")
            #expect(try await refer(d.deKey, "https://forum.example.org/t/1", override: true).status == 201)
            let view = try await c.call(.get, "/v1/deconfliction?url=https://forum.example.org/t/1%23x", key: d.frKey).object
            #expect((view["cases"] as? [Any])?.count == 2)

            // A hold on a domain: other issuers cannot refer under it, even with override.
            let hold = try await c.call(.post, "/v1/holds", key: d.frKey, json: ["domain": "cell.example.net", "reason": "Investigation FR-77"])
            #expect(hold.status == 201)
            let held = try await refer(d.unitKey, "https://media.cell.example.net/v/9", override: true)
            #expect(held.status == 409 && held.error["code"] as? String == "held")
            #expect(((held.error["items"] as? [[String: Any]])?.first?["message"] as? String)?.contains("hold") == true)
            let flagged = try await refer(d.flaggerKey, "https://cell.example.net/v/9")
            #expect(flagged.status == 409 && ((flagged.error["items"] as? [[String: Any]])?.first?["message"] as? String)?.contains("hub operator") == true)
            #expect(try await refer(d.frKey, "https://cell.example.net/v/9").status == 201)
            #expect(try await c.call(.get, "/v1/holds", key: d.betaKey).status == 403)
            #expect(try await c.call(.get, "/v1/holds", key: d.unitKey).array.count == 1)
            #expect(try await c.call(.post, "/v1/holds", key: d.frKey, json: ["reason": "x"]).status == 400)
            let holdID = try #require(hold.object["id"] as? String)
            #expect(try await c.call(.delete, "/v1/holds/\(holdID)", key: d.deKey).status == 403)
            #expect(try await c.call(.delete, "/v1/holds/\(holdID)", key: d.frKey).status == 204)
            #expect(try await refer(d.unitKey, "https://media.cell.example.net/v/10").status == 201)
        }
    }

    /// A host that answers slowly holds one of the checker's places, not every other URL's
    /// check until it answers (the review's F10: checks ran in groups of 20).
    @Test func aSlowHostDoesNotHoldUpOtherChecks() async throws {
        let d = try await DeskFixture.make(.sqlite)
        let site = LoopbackSite()
        try await site.run { sitePort in
            try await d.hub.withServer { c in
                let base = "http://127.0.0.1:\(sitePort)"
                @Sendable func refer(_ path: String) async throws -> String {
                    let reply = try await c.call(.post, "/v1/referrals", key: d.unitKey,
                                                 json: ["platform": d.beta.uuidString, "statement": "s", "urls": ["\(base)\(path)"]])
                    return try #require(reply.object["id"] as? String, "\(reply.json ?? "")")
                }
                @Sendable func checks(_ id: String) async throws -> Int {
                    try await c.call(.get, "/v1/cases/\(id)/checks", key: d.unitKey).array.count
                }
                let slow = try await refer("/slow")
                d.clock.advance(by: DeskFixture.rules.firstCheckAfter + 1)
                #expect(try await eventually(within: 15) { site.slowRequests.withLock { $0 } == 1 })
                let quick = try await refer("/live")
                d.clock.advance(by: DeskFixture.rules.firstCheckAfter + 1)
                // The slow host answers 20 s after it was asked; the other URL is checked long before.
                #expect(try await eventually(within: 12) { try await checks(quick) == 1 })
                #expect(try await checks(slow) == 0)
            }
        }
    }

    @Test func theCheckerFindsWhatIsLiveAndGoneAndFollowsBoundedRedirects() async throws {
        let d = try await DeskFixture.make(.sqlite)
        let site = LoopbackSite()
        try await site.run { sitePort in
            try await d.hub.withServer { c in
                let base = "http://127.0.0.1:\(sitePort)"
                let referral = try await c.call(.post, "/v1/referrals", key: d.unitKey, json: [
                    "platform": d.beta.uuidString, "statement": "s",
                    "urls": ["\(base)/live", "\(base)/gone", "\(base)/moved", "\(base)/loop"]])
                let id = try #require(referral.object["id"] as? String)
                // Not before its time...
                try await Task.sleep(for: .milliseconds(1500))
                #expect(try await c.call(.get, "/v1/cases/\(id)/checks", key: d.unitKey).array.isEmpty)
                // ...then within the first check delay.
                d.clock.advance(by: DeskFixture.rules.firstCheckAfter + 1)
                // Within one worker tick; 15 s leaves room for a loaded CI.
                #expect(try await eventually(within: 15) { try await c.call(.get, "/v1/cases/\(id)/checks", key: d.unitKey).array.count == 4 })
                let urls = try await c.call(.get, "/v1/cases/\(id)", key: d.betaKey).object["urls"] as? [[String: Any]]
                #expect(urls?.map { $0["status"] as? String } == ["live", "gone", "gone", "unknown"])
                let checks = try await c.call(.get, "/v1/cases/\(id)/checks", key: d.unitKey).array
                #expect(checks.contains { ($0["detail"] as? String)?.contains("redirects") == true })
                let events = try await c.call(.get, "/v1/case-events", key: d.unitKey).object["events"] as? [[String: Any]]
                #expect(events?.filter { $0["event"] as? String == "url-gone" }.count == 2)
                // A day later the live one is fetched again; the gone ones are not.
                d.clock.advance(by: 86_401)
                #expect(try await eventually(within: 15) { try await c.call(.get, "/v1/cases/\(id)/checks", key: d.unitKey).array.count >= 6 })
                let again = try await c.call(.get, "/v1/cases/\(id)/checks", key: d.unitKey).array.dropFirst(4)
                #expect(Set(again.compactMap { $0["url"] as? String }) == ["\(base)/live", "\(base)/loop"])
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func complaintsScrutinyPreservationAndTheFigures(_ backend: Backend) async throws {
        let d = try await DeskFixture.make(backend)
        try await d.hub.withServer { c in
            // A cross-border order: FR issues to Beta, established in DE; DE's authority gets a copy.
            let keyID = try await d.registerKey(c)
            let order = try await d.order(c, urls: ["https://example.org/order"], keyID: keyID)
            let orderID = try #require(order.object["id"] as? String)
            #expect((order.object["scrutiny"] as? [String: Any])?["authority"] as? String == d.authorityDE.uuidString)
            #expect((try await c.call(.get, "/v1/cases?view=scrutiny", key: d.deKey).object["cases"] as? [Any])?.count == 1)
            d.clock.advance(by: 1200)
            #expect(try await c.call(.post, "/v1/cases/\(orderID)/actions", key: d.betaKey, json: ["action": "confirm-removal"]).status == 200)
            #expect(try await c.call(.post, "/v1/orders/\(orderID)/scrutiny", key: d.betaKey, json: ["reason": "journalistic purpose"]).status == 200)
            // The issuer sees its order but does not scrutinise it.
            #expect(try await c.call(.post, "/v1/orders/\(orderID)/scrutiny/decision", key: d.frKey,
                                     json: ["outcome": "struck-down", "reasons": "x"]).status == 403)
            let struck = try await c.call(.post, "/v1/orders/\(orderID)/scrutiny/decision", key: d.deKey,
                                          json: ["outcome": "struck-down", "reasons": "Reporting on the attack is exempt."])
            #expect(struck.status == 200 && struck.object["reinstatable"] as? Bool == true)
            let told = try await c.call(.get, "/v1/case-events", key: d.betaKey).object["events"] as? [[String: Any]]
            #expect(told?.contains { $0["event"] as? String == "reinstatement-required" } == true)
            #expect(try await c.call(.post, "/v1/cases/\(orderID)/actions", key: d.betaKey, json: ["action": "reinstate"]).object["state"] as? String == "reinstated")

            // A referral removed, a complaint upheld, the content reinstated.
            let referral = try await c.call(.post, "/v1/referrals", key: d.unitKey,
                                            json: ["platform": d.beta.uuidString, "urls": ["https://example.org/ref"], "statement": "s"])
            let referralID = try #require(referral.object["id"] as? String)
            #expect(try await c.call(.post, "/v1/cases/\(referralID)/complaints", key: d.betaKey, json: ["statement": "satire"]).status == 409)
            _ = try await c.call(.post, "/v1/cases/\(referralID)/actions", key: d.betaKey, json: ["action": "confirm-removal"])
            #expect(try await c.call(.post, "/v1/cases/\(referralID)/actions", key: d.betaKey, json: ["action": "reinstate"]).status == 409)
            let complaint = try await c.call(.post, "/v1/cases/\(referralID)/complaints", key: d.betaKey, json: ["statement": "It is satire."])
            #expect(complaint.status == 201)
            let complaintID = try #require(complaint.object["id"] as? String)
            #expect(try await c.call(.post, "/v1/complaints/\(complaintID)/decision", key: d.betaKey,
                                     json: ["outcome": "struck-down", "reasons": "x"]).status == 400)
            #expect(try await c.call(.post, "/v1/complaints/\(complaintID)/decision", key: d.betaKey,
                                     json: ["outcome": "upheld", "reasons": "Satire is allowed."]).status == 200)
            #expect(try await c.call(.post, "/v1/cases/\(referralID)/actions", key: d.betaKey, json: ["action": "reinstate"]).status == 200)

            // Preservation: sealed evidence, readable by the platform only; purged after six months unless held.
            let evidence = Data("frame-0042.png bytes".utf8)
            let kept = try await c.call(.post, "/v1/cases/\(orderID)/preservations", key: d.betaKey, json: [
                "contentReference": "beta://uploads/991", "metadata": ["uploaded": "2026-11-22"], "evidence": evidence.base64EncodedString()])
            #expect(kept.status == 201 && kept.object["hasEvidence"] as? Bool == true)
            let keptID = try #require(kept.object["id"] as? String)
            let other = try await c.call(.post, "/v1/cases/\(referralID)/preservations", key: d.betaKey, json: ["contentReference": "beta://uploads/992"])
            let otherID = try #require(other.object["id"] as? String)
            let file = try await c.client.execute(uri: "/v1/preservations/\(keptID)/evidence", method: .get,
                                                  headers: [.authorization: "Bearer \(d.betaKey)"]) { Data($0.body.readableBytesView) }
            #expect(file == evidence)
            #expect(try await c.call(.get, "/v1/preservations/\(keptID)/evidence", key: d.frKey).status == 403)
            // A legal hold is bounded (review finding F16): renewed, never set for ever.
            let tooLong = Date.ISO8601FormatStyle().format(d.clock.now().addingTimeInterval(400 * 86_400))
            let refusedHold = try await c.call(.post, "/v1/preservations/\(otherID)/legal-hold", key: d.unitKey, json: ["until": tooLong])
            #expect(refusedHold.status == 400 && refusedHold.error["field"] as? String == "until")
            let until = Date.ISO8601FormatStyle().format(d.clock.now().addingTimeInterval(300 * 86_400))
            #expect(try await c.call(.post, "/v1/preservations/\(otherID)/legal-hold", key: d.unitKey, json: ["until": until]).status == 200)
            #expect(try await d.hub.store.purgeExpiredPreservations(now: d.clock.now().addingTimeInterval(100 * 86_400)) == 0)
            #expect(try await d.hub.store.purgeExpiredPreservations(now: d.clock.now().addingTimeInterval(200 * 86_400)) == 1)
            let purged = try await c.call(.get, "/v1/cases/\(orderID)/preservations", key: d.betaKey).array.first
            #expect(purged?["purgedAt"] != nil && purged?["contentReference"] as? String == "" && purged?["hasEvidence"] as? Bool == false)
            #expect(try await c.call(.get, "/v1/cases/\(referralID)/preservations", key: d.betaKey).array.first?["purgedAt"] == nil)
            let audit = try await c.call(.get, "/v1/audit?limit=5000", key: d.hub.operatorKey).object["entries"] as? [[String: Any]]
            #expect(audit?.contains { $0["action"] as? String == "preservation.purge" && $0["target"] as? String == keptID } == true)

            // The year's figures, for the platform and for each issuer, as JSON and CSV.
            let year = Calendar(identifier: .gregorian).component(.year, from: d.clock.now())
            let platform = try await c.call(.get, "/v1/reports/transparency?year=\(year)", key: d.betaKey).object["asPlatform"] as? [String: Any]
            #expect(platform?["ordersReceived"] as? Int == 1 && platform?["referralsReceived"] as? Int == 1)
            #expect(platform?["removedAfterOrders"] as? Int == 1 && platform?["removedByOwnMeasures"] as? Int == 1)
            #expect(platform?["complaints"] as? Int == 1 && platform?["complaintsUpheld"] as? Int == 1 && platform?["reinstatements"] as? Int == 2)
            #expect(platform?["ordersStruckDown"] as? Int == 1)
            let issuer = try await c.call(.get, "/v1/reports/transparency?year=\(year)", key: d.frKey).object["asIssuer"] as? [String: Any]
            #expect(issuer?["ordersIssued"] as? Int == 1 && issuer?["orderRemovalRate"] as? Double == 1)
            let times = issuer?["timeToRemoval"] as? [String: Any]
            #expect(times?["within30Minutes"] as? Int == 1 && (times?["medianSeconds"] as? Double).map { abs($0 - 1200) < 15 } == true, "\(times ?? [:])")
            let csv = try await c.client.execute(uri: "/v1/reports/transparency?year=\(year)&format=csv", method: .get,
                                                 headers: [.authorization: "Bearer \(d.betaKey)"]) { String(buffer: $0.body) }
            #expect(csv.hasPrefix("section,figure,value\n") && csv.contains("platform,ordersReceived,1"))
            #expect(try await c.call(.get, "/v1/reports/transparency?year=\(year)&format=pdf", key: d.betaKey).status == 400)
            #expect(try await c.call(.get, "/v1/reports/transparency?organisation=\(d.beta)", key: d.frKey).status == 403)
        }
    }
}
