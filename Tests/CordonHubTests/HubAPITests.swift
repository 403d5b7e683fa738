import CordonDomain
import CordonHub
import CordonServices
import HTTPTypes
import HummingbirdTesting
import NIOCore
import CordonStore
import Foundation
import Testing

/// The `/v1` API over real HTTP, against SQLite and against a real PostgreSQL.
@Suite struct HubAPITests {
    static let hashA = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
    /// hashA with 2 bits changed.
    static let nearA = "f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596221e1d33e6b39c4e9c9b22"
    static let hashB = "30a10efd71c83f429013d48d0ffffc52e34e0e17ada952a9d29685211ea9e5af"

    /// A second organisation with a key of `role` and `access` to the fixture's collection.
    static func member(_ f: HubFixture, _ c: HubClient, name: String, kind: OrganisationKind = .platform, role: Role,
                       access: CollectionAccess?) async throws -> (UUID, String) {
        let org = try await c.call(.post, "/v1/organisations", key: f.operatorKey, json: ["name": name, "kind": kind.rawValue])
        #expect(org.status == 201)
        let id = try #require(UUID(uuidString: org.object["id"] as? String ?? ""))
        let key = try await c.call(.post, "/v1/organisations/\(id)/keys", key: f.operatorKey, json: ["role": role.rawValue])
        #expect(key.status == 201)
        if let access {
            let put = try await c.call(.put, "/v1/collections/\(f.collection)/members/\(id)", key: f.adminKey, json: ["access": access.rawValue])
            #expect(put.status == 204)
        }
        return (id, try #require(key.object["secret"] as? String))
    }

    static func signalCount(_ f: HubFixture) async throws -> Int {
        try await f.store.signalCount()
    }

    @Test(arguments: Backend.allCases)
    func keysAreRequiredValidAndRevocable(_ backend: Backend) async throws {
        let f = try await HubFixture.make(backend)
        try await f.withServer { c in
            let none = try await c.call(.get, "/v1/me", key: nil)
            #expect(none.status == 401 && none.error["field"] as? String == "authorization")
            // A new key's secret is in the answer: nothing may cache it (review finding F18).
            let minted = try await c.client.execute(
                uri: "/v1/organisations/\(f.alpha)/keys", method: .post,
                headers: [.authorization: "Bearer \(f.adminKey)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"role":"consumer"}"#)) { ($0.status.code, $0.headers[.cacheControl]) }
            #expect(minted.0 == 201 && minted.1 == "no-store")
            let wrong = try await c.call(.get, "/v1/me", key: "cdn_nope")
            #expect(wrong.status == 401 && (wrong.error["message"] as? String)?.contains("unknown or has been revoked") == true)
            let me = try await c.call(.get, "/v1/me", key: f.adminKey)
            #expect(me.status == 200 && me.object["role"] as? String == "admin")

            let (_, key) = try await Self.member(f, c, name: "Beta", role: .consumer, access: .read)
            let keyID = try #require(try await c.call(.get, "/v1/me", key: key).object["keyID"] as? String)
            #expect(try await c.call(.delete, "/v1/keys/\(keyID)", key: key).status == 403)
            // Another organisation's admin may not revoke it (F1); the operator may.
            #expect(try await c.call(.delete, "/v1/keys/\(keyID)", key: f.adminKey).status == 403)
            #expect(try await c.call(.delete, "/v1/keys/\(keyID)", key: f.operatorKey).status == 204)
            #expect(try await c.call(.get, "/v1/me", key: key).status == 401)
        }
    }

    @Test(arguments: Backend.allCases)
    func submissionsAreIdempotentAndAddSources(_ backend: Backend) async throws {
        let f = try await HubFixture.make(backend)
        try await f.withServer { c in
            let uri = "/v1/collections/\(f.collection)/signals"
            let first = try await c.call(.post, uri, key: f.adminKey, json: [
                "type": "pdq", "value": Self.hashA.uppercased(), "item": "video-17",
                "labels": ["categories": ["incitement"], "behaviours": ["glorification"], "entity": "Group X"],
                "confidence": 0.9,
            ])
            #expect(first.status == 201)
            let results = try #require(first.object["results"] as? [[String: Any]])
            #expect(results.first?["outcome"] as? String == "created")
            let signal = try #require(results.first?["signal"] as? [String: Any])
            #expect(signal["value"] as? String == Self.hashA)  // stored in canonical lowercase
            #expect((signal["labels"] as? [String: Any])?["entity"] as? String == "Group X")

            let again = try await c.call(.post, uri, key: f.adminKey, json: ["type": "pdq", "value": Self.hashA])
            #expect((again.object["results"] as? [[String: Any]])?.first?["outcome"] as? String == "unchanged")

            let (beta, betaKey) = try await Self.member(f, c, name: "Beta", role: .contributor, access: .readWrite)
            let added = try await c.call(.post, uri, key: betaKey, json: ["signals": [["type": "pdq", "value": Self.hashA]]])
            let item = try #require((added.object["results"] as? [[String: Any]])?.first)
            #expect(item["outcome"] as? String == "source-added")
            let contributors = (item["signal"] as? [String: Any])?["contributors"] as? [String]
            #expect(contributors == [f.alpha.uuidString, beta.uuidString])
            #expect(try await Self.signalCount(f) == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func aFullBulkRequestIsStoredOnceAndMatchableAtOnce(_ backend: Backend) async throws {
        let f = try await HubFixture.make(backend)
        try await f.withServer { c in
            let uri = "/v1/collections/\(f.collection)/signals"
            let values = (0..<9_999).map { n in String(format: "%08x", n) + String(repeating: "5", count: 56) }
            // 10,000 items: the first hash twice (it counts once).
            let signals = (values + [values[0]]).map { ["type": "pdq", "value": $0, "item": "video-\($0.prefix(8))"] }
            let first = try await c.slowCall(.post, uri, key: f.adminKey, json: ["signals": signals])
            #expect(first.status == 201)
            let outcomes = (first.object["results"] as? [[String: Any]] ?? []).compactMap { $0["outcome"] as? String }
            #expect(outcomes.count == 10_000 && outcomes.filter { $0 == "created" }.count == 10_000)
            #expect(try await Self.signalCount(f) == 9_999)

            let again = try await c.slowCall(.post, uri, key: f.adminKey, json: ["signals": signals], prefer: "return=minimal")
            let minimal = again.object["results"] as? [[String: Any]] ?? []
            #expect(minimal.count == 10_000 && minimal.allSatisfy { $0["outcome"] as? String == "unchanged" && $0["signal"] == nil })
            let ids = (first.object["results"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
            #expect(minimal.compactMap { $0["id"] as? Int } == ids)

            let (beta, betaKey) = try await Self.member(f, c, name: "Beta", role: .contributor, access: .readWrite)
            let overlap = try await c.call(.post, uri, key: betaKey, json: ["signals": signals.prefix(100).map { $0 }])
            #expect((overlap.object["results"] as? [[String: Any]] ?? []).allSatisfy { $0["outcome"] as? String == "source-added" })
            #expect(try await Self.signalCount(f) == 9_999)

            // Matchable as soon as the response is out, with both contributors.
            let match = try await c.call(.post, "/v1/match", key: f.adminKey, json: ["type": "pdq", "value": values[42]])
            let signal = ((match.object["results"] as? [[String: Any]])?.first?["matches"] as? [[String: Any]])?.first?["signal"] as? [String: Any]
            #expect(signal?["contributors"] as? [String] == [f.alpha.uuidString, beta.uuidString])
            #expect(signal?["item"] as? String == "video-0000002a")
            let feed = try await c.call(.get, "/v1/feed?collection=\(f.collection)&since=0&limit=10000", key: f.adminKey)
            let kinds = (feed.object["changes"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(kinds.filter { $0 == "added" }.count == 9_999 && kinds.filter { $0 == "updated" }.count == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func badInputsGetFieldErrorsAndChangeNothing(_ backend: Backend) async throws {
        let f = try await HubFixture.make(backend)
        try await f.withServer { c in
            let uri = "/v1/collections/\(f.collection)/signals"
            _ = try await c.call(.post, uri, key: f.adminKey, json: ["type": "md5", "value": String(repeating: "a", count: 32)])
            let cases: [(String, String, Int, String)] = [
                ("{\"type\":\"pdq\",\"value\":\"abc\"}", "value", 400, "64 hex digits"),
                ("{\"type\":\"pdq\",\"value\":\"\(String(repeating: "g", count: 64))\"}", "value", 400, "hex digits"),
                ("{\"type\":\"sha1\",\"value\":\"00\"}", "type", 400, ""),
                ("{\"type\":\"pdq\"}", "value", 400, "required"),
                ("{\"type\":\"pdq\",\"value\":\"\(Self.hashA)\",\"confidence\":7}", "confidence", 400, "0 to 1"),
                ("{\"type\":\"pdq\",\"value\":", "body", 400, "not valid JSON"),
                ("{\"signals\":[]}", "signals", 400, "at least one"),
                ("{\"signals\":[{\"type\":\"pdq\",\"value\":\"\(Self.hashB)\"},{\"type\":\"md5\",\"value\":\"zz\"}]}", "signals[1].value", 400, "nothing was stored"),
            ]
            for (body, field, status, fragment) in cases {
                let reply = try await c.call(.post, uri, key: f.adminKey, body: body)
                #expect(reply.status == status, "\(body)")
                #expect(reply.error["field"] as? String == field, "\(body): \(reply.error)")
                #expect(fragment.isEmpty || (reply.error["message"] as? String)?.contains(fragment) == true, "\(body): \(reply.error)")
            }
            let tooMany = (0...10_000).map { _ in ["type": "md5", "value": String(repeating: "b", count: 32)] }
            let many = try await c.call(.post, uri, key: f.adminKey, json: ["signals": tooMany])
            #expect(many.status == 400 && many.error["field"] as? String == "signals")
            let huge = try await c.call(.post, uri, key: f.adminKey, body: "{\"item\":\"" + String(repeating: "x", count: 17 << 20) + "\"}")
            #expect(huge.status == 413 && huge.error["field"] as? String == "body")
            let nowhere = try await c.call(.post, "/v1/collections/\(UUID())/signals", key: f.adminKey, json: ["type": "pdq", "value": Self.hashA])
            #expect(nowhere.status == 404 && nowhere.error["field"] as? String == "collection")
            let notUUID = try await c.call(.post, "/v1/collections/xyz/signals", key: f.adminKey, json: ["type": "pdq", "value": Self.hashA])
            #expect(notUUID.status == 400 && notUUID.error["field"] as? String == "collection")
            // Only the md5 stored first is there.
            #expect(try await Self.signalCount(f) == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func rolesAndMembershipsLimitWhatEachOrganisationSeesAndDoes(_ backend: Backend) async throws {
        let f = try await HubFixture.make(backend)
        try await f.withServer { c in
            let uri = "/v1/collections/\(f.collection)/signals"
            let (_, reader) = try await Self.member(f, c, name: "Reader", role: .consumer, access: .read)
            let (_, outsider) = try await Self.member(f, c, name: "Outsider", role: .admin, access: nil)
            let (_, readOnlyWriter) = try await Self.member(f, c, name: "ReadOnly", role: .contributor, access: .read)
            let submitted = try await c.call(.post, uri, key: f.adminKey, json: ["type": "pdq", "value": Self.hashA])
            let id = try #require(((submitted.object["results"] as? [[String: Any]])?.first?["signal"] as? [String: Any])?["id"] as? Int)

            #expect(try await c.call(.post, uri, key: reader, json: ["type": "pdq", "value": Self.hashB]).status == 403)
            #expect(try await c.call(.post, uri, key: readOnlyWriter, json: ["type": "pdq", "value": Self.hashB]).status == 403)
            #expect(try await c.call(.post, uri, key: outsider, json: ["type": "pdq", "value": Self.hashB]).status == 404)
            #expect(try await c.call(.get, "/v1/signals/\(id)", key: outsider).status == 404)
            #expect(try await c.call(.get, "/v1/signals/\(id)", key: reader).status == 200)
            #expect(try await c.call(.get, "/v1/collections", key: outsider).array.isEmpty)

            // Matching sees only the caller's collections.
            let match = ["type": "pdq", "value": Self.nearA]
            let readerMatch = try await c.call(.post, "/v1/match", key: reader, json: match)
            #expect(((readerMatch.object["results"] as? [[String: Any]])?.first?["matches"] as? [Any])?.count == 1)
            let outsiderMatch = try await c.call(.post, "/v1/match", key: outsider, json: match)
            #expect(((outsiderMatch.object["results"] as? [[String: Any]])?.first?["matches"] as? [Any])?.count == 0)
            // Only a contributor can retract.
            #expect(try await c.call(.post, "/v1/signals/\(id)/retract", key: readOnlyWriter).status == 403)
            #expect(try await c.call(.get, "/v1/audit", key: reader).status == 403)
            #expect(try await Self.signalCount(f) == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func matchingFindsNearDuplicatesAndNeverRetractedOnes(_ backend: Backend) async throws {
        let f = try await HubFixture.make(backend, configuration: HubConfiguration(safeguards: SafeguardRules(dispute: DisputeRule(minimumOrganisations: 2))))
        try await f.withServer { c in
            let uri = "/v1/collections/\(f.collection)/signals"
            let submitted = try await c.call(.post, uri, key: f.adminKey, json: ["signals": [
                ["type": "pdq", "value": Self.hashA, "labels": ["behaviours": ["attacker-manifesto"]]],
                ["type": "sha256", "value": String(repeating: "c", count: 64)],
            ]])
            let ids = (submitted.object["results"] as? [[String: Any]] ?? []).compactMap { ($0["signal"] as? [String: Any])?["id"] as? Int }
            #expect(ids.count == 2)

            let query: [String: Any] = ["hashes": [["type": "pdq", "value": Self.nearA], ["type": "pdq", "value": Self.hashB],
                                                   ["type": "sha256", "value": String(repeating: "C", count: 64)]]]
            let results = try #require(try await c.call(.post, "/v1/match", key: f.adminKey, json: query).object["results"] as? [[String: Any]])
            let first = try #require((results[0]["matches"] as? [[String: Any]])?.first)
            #expect(first["distance"] as? Int == 2)
            #expect(((first["signal"] as? [String: Any])?["labels"] as? [String: Any])?["behaviours"] as? [String] == ["attacker-manifesto"])
            #expect((results[1]["matches"] as? [Any])?.isEmpty == true)
            #expect((results[2]["matches"] as? [Any])?.count == 1)

            // As the README's curl sends it: JSON labelled as a form is still read as JSON.
            let curlStyle = try await c.call(.post, "/v1/match", key: f.adminKey,
                                             body: "{\"type\":\"pdq\",\"value\":\"\(Self.nearA)\"}",
                                             contentType: "application/x-www-form-urlencoded")
            #expect(((curlStyle.object["results"] as? [[String: Any]])?.first?["matches"] as? [Any])?.count == 1)
            let strict = try await c.call(.post, "/v1/match", key: f.adminKey, json: ["type": "pdq", "value": Self.nearA, "maxDistance": 1])
            #expect(((strict.object["results"] as? [[String: Any]])?.first?["matches"] as? [Any])?.isEmpty == true)
            let wide = try await c.call(.post, "/v1/match", key: f.adminKey, json: ["type": "pdq", "value": Self.nearA, "maxDistance": 200])
            #expect(wide.status == 400 && wide.error["field"] as? String == "maxDistance")
            let bad = try await c.call(.post, "/v1/match", key: f.adminKey, json: ["hashes": [["type": "pdq", "value": Self.hashA], ["type": "md5", "value": "12"]]])
            #expect(bad.status == 400 && bad.error["field"] as? String == "hashes[1].value")

            // Two other organisations call it a false positive: disputed, still matched, marked.
            for name in ["Gamma", "Delta"] {
                let (_, key) = try await Self.member(f, c, name: name, role: .contributor, access: .read)
                let reply = try await c.call(.post, "/v1/signals/\(ids[0])/feedback", key: key, json: ["kind": "false-positive"])
                #expect(reply.status == 200)
            }
            let disputed = try await c.call(.post, "/v1/match", key: f.adminKey, json: ["type": "pdq", "value": Self.nearA])
            let marked = ((disputed.object["results"] as? [[String: Any]])?.first?["matches"] as? [[String: Any]])?.first
            #expect((marked?["signal"] as? [String: Any])?["status"] as? String == "disputed")
            #expect(marked?["reviewOnly"] as? Bool == true)

            // Retracted: gone from every match.
            #expect(try await c.call(.post, "/v1/signals/\(ids[0])/retract", key: f.adminKey).status == 200)
            let after = try await c.call(.post, "/v1/match", key: f.adminKey, json: ["type": "pdq", "value": Self.hashA])
            #expect(((after.object["results"] as? [[String: Any]])?.first?["matches"] as? [Any])?.isEmpty == true)

            // Today's figures: 7 hashes checked above (the refused requests check none), 4 matched.
            let counts = try await c.call(.get, "/v1/match/counts?days=2", key: f.adminKey)
            let days = try #require(counts.object["days"] as? [[String: Any]])
            let total = days.reduce((0, 0)) { ($0.0 + ($1["queries"] as? Int ?? 0), $0.1 + ($1["matched"] as? Int ?? 0)) }
            #expect(days.count == 2 && total == (7, 4), "\(days)") // both days, should midnight fall in between
            let refused = try await c.call(.get, "/v1/match/counts?days=0", key: f.adminKey)
            #expect(refused.status == 400 && refused.error["field"] as? String == "days")
            // A radius past 31 scans every stored hash per query hash (review finding F9):
            // a few hashes at once, not a thousand.
            let hashes = Array(repeating: ["type": "pdq", "value": Self.nearA], count: 11)
            let wideBatch = try await c.call(.post, "/v1/match", key: f.adminKey, json: ["hashes": hashes, "maxDistance": 40])
            #expect(wideBatch.status == 400 && wideBatch.error["field"] as? String == "maxDistance", "\(wideBatch.json ?? "")")
            let fewWide = try await c.call(.post, "/v1/match", key: f.adminKey, json: ["hashes": Array(hashes.prefix(10)), "maxDistance": 40])
            #expect(fewWide.status == 200, "\(fewWide.json ?? "")")
            let narrowBatch = try await c.call(.post, "/v1/match", key: f.adminKey, json: ["hashes": hashes, "maxDistance": 31])
            #expect(narrowBatch.status == 200)
        }
    }

    @Test(arguments: Backend.allCases)
    func theFeedPagesThroughConcurrentWritesWithoutGapsOrRepeats(_ backend: Backend) async throws {
        let f = try await HubFixture.make(backend)
        try await f.withServer { c in
            let uri = "/v1/collections/\(f.collection)/signals"
            // Four writers at once, 25 requests of 4 signals each, each writer on its own
            // connection (the test client has one, and would only queue them behind each other).
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        for request in 0..<25 {
                            let signals = (0..<4).map { n in
                                ["type": "md5", "value": String(format: "%08x", writer * 10_000 + request * 10 + n) + String(repeating: "0", count: 24)]
                            }
                            let reply = try await c.slowCall(.post, uri, key: f.adminKey, json: ["signals": signals], seconds: 60)
                            #expect(reply.status == 201, "\(reply.object)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            var cursor = 0, seen: [Int] = [], cursors: [Int] = []
            while true {
                let page = try await c.call(.get, "/v1/feed?collection=\(f.collection)&since=\(cursor)&limit=7", key: f.adminKey)
                #expect(page.status == 200)
                let changes = page.object["changes"] as? [[String: Any]] ?? []
                if changes.isEmpty { break }
                cursors += changes.compactMap { $0["cursor"] as? Int }
                seen += changes.compactMap { ($0["signal"] as? [String: Any])?["id"] as? Int }
                cursor = try #require(page.object["next"] as? Int)
            }
            #expect(seen.count == 400 && Set(seen).count == 400)
            #expect(cursors == cursors.sorted() && Set(cursors).count == cursors.count)
            let bad = try await c.call(.get, "/v1/feed?collection=\(f.collection)&since=-4", key: f.adminKey)
            #expect(bad.status == 400 && bad.error["field"] as? String == "since")
            #expect(try await c.call(.get, "/v1/feed", key: f.adminKey).error["field"] as? String == "collection")
        }
    }

    @Test(arguments: Backend.allCases)
    func everyWriteIsAudited(_ backend: Backend) async throws {
        let f = try await HubFixture.make(backend)
        try await f.withServer { c in
            _ = try await c.call(.post, "/v1/collections/\(f.collection)/signals", key: f.adminKey, json: ["type": "pdq", "value": Self.hashA])
            let (auditorOrg, auditor) = try await Self.member(f, c, name: "Oversight", kind: .auditor, role: .auditor, access: nil)
            let log = try await c.call(.get, "/v1/audit", key: auditor)
            #expect(log.status == 200)
            let actions = (log.object["entries"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(actions.contains("signals.submit") && actions.contains("organisation.create") && actions.contains("key.create"))
            let keyEntry = (log.object["entries"] as? [[String: Any]] ?? []).last { $0["action"] as? String == "key.create" }
            #expect((keyEntry?["detail"] as? [String: String])?["organisation"] == auditorOrg.uuidString)
            // Auditors read; they cannot match.
            #expect(try await c.call(.post, "/v1/match", key: auditor, json: ["type": "pdq", "value": Self.hashA]).status == 403)
        }
    }
}
