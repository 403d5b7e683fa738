import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import Crypto
import Foundation
import HTTPTypes
import Testing

/// Notices from trusted flaggers and community workers, over real HTTP on SQLite and
/// PostgreSQL: the four Art. 16 elements checked, a signed receipt, the platform's queue
/// with a registered trusted flagger's notice first and on its timer, the decision with
/// redress back to the notifier, suspension, precision and misuse counters, and the
/// yearly report without personal data.
@Suite struct NoticeTests {
    static func notice(to platform: UUID, _ changes: [String: Any] = [:]) -> [String: Any] {
        var body: [String: Any] = [
            "platform": platform.uuidString, "explanation": "A recruitment video of a listed group, with its logo and a call to join",
            "urls": ["https://video.example/watch?v=abc"], "locator": "from 0:42", "notifierName": "Sam Youth Worker",
            "notifierEmail": "sam@streetwork.example", "bonaFide": true, "categories": ["participation"],
        ]
        body.merge(changes) { $1 }
        return body
    }

    @Test(arguments: Backend.allCases)
    func aCommunityWorkersNoticeGoesFirstAndItsDecisionComesBackWithRedress(_ backend: Backend) async throws {
        let clock = AdjustableWallClock()
        var configuration = HubConfiguration()
        configuration.clock = clock
        let f = try await HubFixture.make(backend, configuration: configuration)
        try await f.withServer { c in
            let (ngo, worker) = try await HubAPITests.member(f, c, name: "Streetwork NGO", kind: .trustedFlagger, role: .contributor, access: nil)
            let (_, unit) = try await HubAPITests.member(f, c, name: "IRU", kind: .referralUnit, role: .contributor, access: nil)
            let (_, otherPlatform) = try await HubAPITests.member(f, c, name: "Bravo", role: .admin, access: nil)

            // Only an entity independent of platforms is registered; bad entries are refused by field.
            let platformAsFlagger = try await c.call(.put, "/v1/trusted-flaggers/\(f.alpha)", key: f.operatorKey,
                                                     json: ["awardingAuthority": "DSC", "independence": "x"])
            #expect(platformAsFlagger.status == 400 && platformAsFlagger.error["field"] as? String == "organisation")
            let noIndependence = try await c.call(.put, "/v1/trusted-flaggers/\(ngo)", key: f.operatorKey, json: ["awardingAuthority": "DSC", "independence": ""])
            #expect(noIndependence.status == 400 && noIndependence.error["field"] as? String == "independence")
            #expect(try await c.call(.put, "/v1/trusted-flaggers/\(ngo)", key: worker, json: ["awardingAuthority": "DSC", "independence": "x"]).status == 403)
            let registered = try await c.call(.put, "/v1/trusted-flaggers/\(ngo)", key: f.operatorKey, json: [
                "awardingAuthority": "Bundesnetzagentur (DE)", "expertise": ["participation", "incitement"], "responseHours": 24,
                "independence": "Funded by foundations; no platform money; board without platform staff"])
            #expect(registered.status == 200 && registered.object["active"] as? Bool == true, "\(registered.object)")

            // The four elements, each refused by its field; nothing is stored.
            for (change, field) in [(["bonaFide": false], "bonaFide"), (["notifierEmail": "sam"], "notifierEmail"),
                                    (["urls": [String]()], "urls"), (["explanation": " "], "explanation"), (["notifierName": ""], "notifierName"),
                                    (["platform": ngo.uuidString], "platform"), (["urls": ["not a url"]], "urls")] as [([String: Any], String)] {
                let refused = try await c.call(.post, "/v1/notices", key: worker, json: Self.notice(to: f.alpha, change))
                #expect(refused.status == 400 && (refused.error["field"] as? String)?.hasPrefix(field) == true, "\(field): \(refused.object)")
            }
            #expect(try await c.call(.get, "/v1/notices", key: f.adminKey).array.isEmpty)

            // An unregistered unit's notice, then the trusted flagger's: the flagger's goes first.
            let plain = try await c.call(.post, "/v1/notices", key: unit, json: Self.notice(to: f.alpha))
            #expect(plain.status == 201 && (plain.object["notice"] as? [String: Any])?["priority"] as? Bool == false)
            let sent = try await c.call(.post, "/v1/notices", key: worker, json: Self.notice(to: f.alpha))
            #expect(sent.status == 201)
            let notice = try #require(sent.object["notice"] as? [String: Any])
            let id = try #require(notice["id"] as? Int)
            #expect(notice["priority"] as? Bool == true && notice["dueAt"] != nil)
            // The receipt is the hub's signature over the notice's id, time and digest.
            let receipt = try #require(sent.object["receipt"] as? [String: Any])
            let statement = try #require(receipt["statement"] as? String)
            let hubKey = try #require(try await c.call(.get, "/v1/hub-key", key: worker).object["publicKey"] as? String)
            let key = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Data(base64Encoded: hubKey)))
            #expect(key.isValidSignature(try #require(Data(base64Encoded: receipt["signature"] as? String ?? "")), for: Data(statement.utf8)))
            #expect(statement.contains("\"notice\":\(id)"))
            // Outside its expertise: no priority.
            let outside = try await c.call(.post, "/v1/notices", key: worker, json: Self.notice(to: f.alpha, ["categories": ["instruction"]]))
            #expect((outside.object["notice"] as? [String: Any])?["priority"] as? Bool == false)

            let queue = try await c.call(.get, "/v1/notices?state=open", key: f.adminKey).array
            #expect(queue.compactMap { ($0["notice"] as? [String: Any])?["id"] as? Int }.first == id)
            #expect(queue.count == 3)
            #expect(try await c.call(.get, "/v1/notices/\(id)", key: otherPlatform).status == 404, "another platform learns nothing of it")
            #expect(try await c.call(.get, "/v1/notices?state=maybe", key: f.adminKey).error["field"] as? String == "state")

            // The timer runs out: overdue in the queue and in the register.
            clock.advance(by: 25 * 3600)
            #expect(try await c.call(.get, "/v1/notices/\(id)", key: f.adminKey).object["overdue"] as? Bool == true)
            #expect(try await c.call(.get, "/v1/trusted-flaggers", key: worker).array.first?["overdue"] as? Int == 1)

            // Decided: the notifier reads the decision and its redress.
            let mismatch = try await c.call(.post, "/v1/notices/\(id)/decision", key: f.adminKey,
                                            json: ["action": "removed", "ground": "law", "explanation": "x", "assessment": "manifestly-unfounded"])
            #expect(mismatch.status == 400 && mismatch.error["field"] as? String == "assessment")
            #expect(try await c.call(.post, "/v1/notices/\(id)/decision", key: worker, json: ["action": "removed", "ground": "law", "explanation": "x"]).status == 403)
            let decided = try await c.call(.post, "/v1/notices/\(id)/decision", key: f.adminKey,
                                           json: ["action": "removed", "ground": "law", "explanation": "Removed as terrorist content under the TCO"])
            #expect(decided.status == 200, "\(decided.object)")
            let back = try await c.call(.get, "/v1/notices/\(id)", key: worker)
            let decision = try #require((back.object["notice"] as? [String: Any])?["decision"] as? [String: Any])
            #expect(decision["action"] as? String == "removed" && (decision["redress"] as? String)?.contains("out-of-court") == true)
            #expect(try await c.call(.post, "/v1/notices/\(id)/decision", key: f.adminKey, json: ["action": "no-action", "ground": "law", "explanation": "x"]).status == 409)
            let outsideID = try #require((outside.object["notice"] as? [String: Any])?["id"] as? Int)
            _ = try await c.call(.post, "/v1/notices/\(outsideID)/decision", key: f.adminKey,
                                 json: ["action": "no-action", "ground": "law", "explanation": "Not terrorist content", "assessment": "manifestly-unfounded"])

            // The register keeps precision and misuse; a suspension ends priority.
            let entry = try #require(try await c.call(.get, "/v1/trusted-flaggers", key: otherPlatform).array.first)
            #expect(entry["precision"] as? Double == 0.5 && entry["manifestlyUnfounded"] as? Int == 1 && entry["decided"] as? Int == 2)
            let suspended = try await c.call(.post, "/v1/trusted-flaggers/\(ngo)/suspension", key: f.operatorKey, json: ["reason": "Investigated for misuse"])
            #expect(suspended.object["active"] as? Bool == false)
            let afterSuspension = try await c.call(.post, "/v1/notices", key: worker, json: Self.notice(to: f.alpha))
            #expect((afterSuspension.object["notice"] as? [String: Any])?["priority"] as? Bool == false)
            #expect(try await c.call(.delete, "/v1/trusted-flaggers/\(ngo)/suspension", key: f.operatorKey).object["active"] as? Bool == true)

            // The yearly report: by platform, type and action, with no personal data.
            let year = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: clock.now()).year!
            let report = try await c.call(.get, "/v1/trusted-flaggers/\(ngo)/report?year=\(year)", key: worker)
            #expect(report.status == 200 && report.object["notices"] as? Int == 3, "\(report.object)")
            let rows = report.object["rows"] as? [[String: Any]] ?? []
            #expect(rows.contains { $0["platform"] as? String == "Alpha" && $0["category"] as? String == "participation" && $0["action"] as? String == "removed" })
            let text = String(decoding: try JSONSerialization.data(withJSONObject: report.object), as: UTF8.self)
            #expect(!text.contains("sam@") && !text.contains("Sam Youth Worker"))
            #expect(try await c.call(.get, "/v1/trusted-flaggers/\(ngo)/report", key: otherPlatform).status == 403)
        }
    }
}
