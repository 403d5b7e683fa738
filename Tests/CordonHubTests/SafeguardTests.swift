import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import Crypto
import Foundation
import HTTPTypes
import Testing

/// Every hash answers for its errors, over real HTTP on SQLite and PostgreSQL: feedback
/// fills the signal's ledger, confirmed false positives quarantine it (matches say
/// review-only), its contributor confirms it again, review-by dates and designation
/// changes quarantine it, and the ledger sums by label, contributor, algorithm and origin.
@Suite struct SafeguardTests {
    static func matches(_ reply: HubClient.Reply) -> [[String: Any]] {
        (reply.object["results"] as? [[String: Any]])?.first?["matches"] as? [[String: Any]] ?? []
    }

    @Test(arguments: Backend.allCases)
    func falsePositivesQuarantineUntilTheContributorConfirms(_ backend: Backend) async throws {
        let clock = AdjustableWallClock()
        var configuration = HubConfiguration(safeguards: SafeguardRules(quarantineAfter: 2))
        configuration.clock = clock
        let f = try await HubFixture.make(backend, configuration: configuration)
        try await f.withServer { c in
            // A police referral unit shares a labelled hash into Alpha's collection; a platform matches it.
            let (unitID, unit) = try await HubAPITests.member(f, c, name: "IRU", kind: .referralUnit, role: .contributor, access: .readWrite)
            let (_, platform) = try await HubAPITests.member(f, c, name: "Beta", role: .contributor, access: .read)
            let shared = try await c.call(.post, "/v1/collections/\(f.collection)/signals", key: unit, json: [
                "type": "pdq", "value": HubAPITests.hashA, "labels": ["categories": ["incitement"], "entity": "Group X"]])
            let id = try #require((shared.object["results"] as? [[String: Any]])?.first?["id"] as? Int)
            let query: [String: Any] = ["type": "pdq", "value": HubAPITests.nearA]
            let first = try await c.call(.post, "/v1/match", key: platform, json: query)
            #expect(Self.matches(first).count == 1 && Self.matches(first).first?["reviewOnly"] == nil)

            // Bad feedback is refused by field, and stores nothing.
            let confirmedAsFeedback = try await c.call(.post, "/v1/signals/\(id)/feedback", key: platform, json: ["kind": "confirmed"])
            #expect(confirmedAsFeedback.status == 400 && confirmedAsFeedback.error["field"] as? String == "kind")
            let far = try await c.call(.post, "/v1/signals/\(id)/feedback", key: platform, json: ["kind": "seen-too", "distance": 999])
            #expect(far.status == 400 && far.error["field"] as? String == "distance")

            // Removed, appealed, reinstated; then a moderator leaves a second copy up.
            for kind in ["seen-too", "appealed", "reinstated"] {
                #expect(try await c.call(.post, "/v1/signals/\(id)/feedback", key: platform, json: ["kind": kind, "distance": 2]).status == 200)
            }
            var ledger = try await c.call(.get, "/v1/signals/\(id)/ledger", key: platform)
            #expect(ledger.object["actionable"] as? Bool == true && ledger.object["origin"] as? String == "government")
            let left = try await c.call(.post, "/v1/signals/\(id)/feedback", key: platform, json: ["kind": "false-positive", "distance": 2])
            #expect((left.object["status"] as? String) == "quarantined")

            ledger = try await c.call(.get, "/v1/signals/\(id)/ledger", key: platform)
            #expect(ledger.object["actionable"] as? Bool == false && ledger.object["reason"] as? String == "false-positives")
            let counts = try #require(ledger.object["ledger"] as? [String: Any])
            #expect(counts["actions"] as? Int == 1 && counts["appeals"] as? Int == 1 && counts["reinstatements"] as? Int == 1
                    && counts["falsePositives"] as? Int == 1)
            // Each event carries the hub's signature: the reinstatement can be shown to anyone, with no user data.
            let events = try #require(ledger.object["events"] as? [[String: Any]])
            let reinstated = try #require(events.first { $0["kind"] as? String == "reinstated" }?["signed"] as? [String: Any])
            let statement = try #require(reinstated["statement"] as? String)
            #expect(statement.contains("\"kind\":\"reinstated\"") && statement.contains("\"signal\":\(id)") && statement.contains("\"distance\":2"))
            let hubKey = try #require(try await c.call(.get, "/v1/hub-key", key: platform).object["publicKey"] as? String)
            let key = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Data(base64Encoded: hubKey)))
            #expect(key.isValidSignature(try #require(Data(base64Encoded: reinstated["signature"] as? String ?? "")), for: Data(statement.utf8)))
            #expect(!key.isValidSignature(try #require(Data(base64Encoded: reinstated["signature"] as? String ?? "")),
                                          for: Data(statement.replacingOccurrences(of: "reinstated", with: "seen-too").utf8)))
            // Two wrong of two decisions (a removal later reinstated, a copy left up).
            #expect(ledger.object["falsePositiveRate"] as? Double == 1.0)
            let quarantined = try await c.call(.post, "/v1/match", key: platform, json: query)
            #expect(Self.matches(quarantined).first?["reviewOnly"] as? Bool == true)

            // Only a contributor (or the collection's owner) confirms; the platform cannot.
            let notTheirs = try await c.call(.post, "/v1/signals/\(id)/confirm", key: platform, json: [:] as [String: Any])
            #expect(notTheirs.status == 403 || notTheirs.status == 404)
            let past = try await c.call(.post, "/v1/signals/\(id)/confirm", key: unit, json: ["reviewBy": "2020-01-01T00:00:00Z"])
            #expect(past.status == 400 && past.error["field"] as? String == "reviewBy")
            #expect(try await f.store.signal(id)?.status == .quarantined)
            let reviewBy = HubStore.iso(clock.now().addingTimeInterval(3600))
            let confirmed = try await c.call(.post, "/v1/signals/\(id)/confirm", key: unit, json: ["comment": "re-reviewed", "reviewBy": reviewBy])
            #expect(confirmed.status == 200 && confirmed.object["actionable"] as? Bool == true)
            #expect(confirmed.object["reviewReason"] as? String == "confirmed")
            #expect(Self.matches(try await c.call(.post, "/v1/match", key: platform, json: query)).first?["reviewOnly"] == nil)
            // What came before the confirmation no longer counts: one new false positive is not enough.
            #expect(try await c.call(.post, "/v1/signals/\(id)/feedback", key: platform, json: ["kind": "reinstated"]).object["status"] as? String == "active")

            // The review-by date passes: quarantined again, as "review-due".
            clock.advance(by: 7200)
            #expect(try await f.hub.services.sweepDueReviews() == 1)
            ledger = try await c.call(.get, "/v1/signals/\(id)/ledger", key: platform)
            #expect(ledger.object["reason"] as? String == "review-due")
            #expect(Self.matches(try await c.call(.post, "/v1/match", key: platform, json: query)).first?["reviewOnly"] as? Bool == true)

            // Matches are counted per signal, and the ledger sums by dimension.
            try await f.hub.services.storeMatchCounts()
            ledger = try await c.call(.get, "/v1/signals/\(id)/ledger", key: platform)
            #expect((ledger.object["ledger"] as? [String: Any])?["matches"] as? Int == 4)
            let byOrigin = try await c.call(.get, "/v1/ledger?by=origin", key: platform)
            #expect((byOrigin.object["rows"] as? [[String: Any]])?.map { $0["key"] as? String } == ["government"])
            let byAlgorithm = try await c.call(.get, "/v1/ledger?by=algorithm", key: platform)
            let keys = (byAlgorithm.object["rows"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String }
            #expect(keys == ["pdq", "pdq at distance 1-10"], "\(keys)")
            let byContributor = try await c.call(.get, "/v1/ledger?by=contributor", key: platform)
            #expect((byContributor.object["rows"] as? [[String: Any]])?.first?["name"] as? String == "IRU")
            #expect((byContributor.object["rows"] as? [[String: Any]])?.first?["key"] as? String == unitID.uuidString)
            let byLabel = try await c.call(.get, "/v1/ledger?by=label", key: platform)
            #expect((byLabel.object["rows"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String } == ["category:incitement", "entity:Group X"])
            let bogus = try await c.call(.get, "/v1/ledger?by=colour", key: platform)
            #expect(bogus.status == 400 && bogus.error["field"] as? String == "by")
        }
    }

    @Test(arguments: Backend.allCases)
    func aDesignationChangePutsTheEntitysSignalsUpForReview(_ backend: Backend) async throws {
        let f = try await HubFixture.make(backend)
        try await f.withServer { c in
            let uri = "/v1/collections/\(f.collection)/signals"
            let labelled = try await c.call(.post, uri, key: f.adminKey, json: ["signals": [
                ["type": "md5", "value": String(repeating: "a", count: 32), "labels": ["entity": "Group Y"]],
                ["type": "md5", "value": String(repeating: "b", count: 32), "labels": ["entity": "Group Z"]],
            ]])
            let ids = (labelled.object["results"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
            #expect(ids.count == 2)
            // Only the operator records designations.
            let refused = try await c.call(.post, "/v1/designation-changes", key: f.adminKey, json: ["entity": "Group Y"])
            #expect(refused.status == 403 && refused.error["field"] as? String == "organisation")
            let empty = try await c.call(.post, "/v1/designation-changes", key: f.operatorKey, json: ["entity": "  "])
            #expect(empty.status == 400 && empty.error["field"] as? String == "entity")
            let changed = try await c.call(.post, "/v1/designation-changes", key: f.operatorKey, json: ["entity": "group y", "note": "delisted"])
            #expect(changed.status == 201 && changed.object["signalsDue"] as? Int == 1 && changed.object["quarantined"] as? Int == 1)
            #expect(try await f.store.signal(ids[0])?.status == .quarantined)
            #expect(try await f.store.signal(ids[1])?.status == .active)
            let match = try await c.call(.post, "/v1/match", key: f.adminKey, json: ["type": "md5", "value": String(repeating: "a", count: 32)])
            #expect(Self.matches(match).first?["reviewOnly"] as? Bool == true)
            // Mirrors hear of it: the status change is on the feed.
            let feed = try await c.call(.get, "/v1/feed?collection=\(f.collection)&since=0", key: f.adminKey)
            let last = (feed.object["changes"] as? [[String: Any]])?.last?["signal"] as? [String: Any]
            #expect(last?["id"] as? Int == ids[0] && last?["status"] as? String == "quarantined")
        }
    }
}
