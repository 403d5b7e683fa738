import CordonOutbound
import CordonTestSupport
import Foundation
import Synchronization
import Testing

/// `cordon mirror` and `cordon serve` as real processes on loopback: a copy of 100,000
/// hashes that survives kill -9 at random moments while it catches up, equals the hub's
/// afterwards (nothing skipped, nothing repeated), and matches with the hub stopped.
@Suite struct MirrorCommandTests {
    @Test func aMirrorKilledWhileCatchingUpEndsEqualToTheHubAndMatchesWithoutIt() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-mirror-cli-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let hub = try ServerProcess(["--demo", "--database", "sqlite:" + folder.appendingPathComponent("hub.sqlite").path])
        defer { hub.stop() }
        let hubKey = try #require(hub.banner.firstMatch(of: /admin API key \(shown once\): (cdn_[0-9a-f]+)/)).output.1
        let created = try await hub.call("POST", "/v1/collections", key: String(hubKey), json: ["name": "mirror-test", "description": "copied"])
        let collection = try #require((created.body as? [String: Any])?["id"] as? String)

        // 100,000 hashes (ten pages), then a few retractions (changes to signals already copied).
        var random = SplitMix(seed: 18)
        var values: [String] = []
        /// Shares `pages` pages of 10,000 random hashes at the hub.
        func share(pages: Int) async throws {
            for _ in 0..<pages {
                let batch = (0..<10_000).map { _ in (0..<4).map { _ in String(format: "%016llx", random.next()) }.joined() }
                values += batch
                let reply = try await hub.call("POST", "/v1/collections/\(collection)/signals", key: String(hubKey),
                                               json: ["signals": batch.map { ["type": "pdq", "value": $0] }], timeout: 120)
                #expect(reply.status == 201)
            }
        }
        try await share(pages: 10)
        var retracted: [Int] = []
        for index in [7, 60_000, 99_999] {
            let found = try await hub.call("POST", "/v1/match", key: String(hubKey), json: ["type": "pdq", "value": values[index], "maxDistance": 0])
            let id = try #require(((((found.body as? [String: Any])?["results"] as? [[String: Any]])?.first?["matches"] as? [[String: Any]])?.first?["signal"] as? [String: Any])?["id"] as? Int)
            #expect(try await hub.call("POST", "/v1/signals/\(id)/retract", key: String(hubKey)).status == 200)
            retracted.append(id)
        }

        /// The hub's feed, read to its end: the changes after `since` and the last cursor.
        @Sendable func hubFeed(after since: Int = 0) async throws -> (changes: Int, cursor: Int, latest: [Int: [String: Any]]) {
            var count = 0, cursor = since
            var latest: [Int: [String: Any]] = [:]
            while true {
                let page = try #require(try await hub.call("GET", "/v1/feed?collection=\(collection)&since=\(cursor)&limit=10000", key: String(hubKey), timeout: 60).body as? [String: Any])
                let changes = page["changes"] as? [[String: Any]] ?? []
                if changes.isEmpty { return (count, cursor, latest) }
                count += changes.count
                for change in changes { if let signal = change["signal"] as? [String: Any], let id = signal["id"] as? Int { latest[id] = signal } }
                cursor = page["next"] as? Int ?? cursor
            }
        }
        #expect(try await hubFeed().changes == 100_003)

        // Refusals: a collection the hub does not offer; a hub that cannot be reached before any copy exists.
        let data = folder.appendingPathComponent("mirror").path
        let unknown = try CordonRunner.run(["mirror", "--hub", "http://127.0.0.1:\(hub.port)", "--key", String(hubKey),
                                            "--collections", "no-such-list", "--data", data, "--port", "0"])
        #expect(unknown.status != 0 && unknown.stderr.contains("offers no collection no-such-list"), "\(unknown.stderr)")
        let unreachable = try CordonRunner.run(["mirror", "--hub", "http://127.0.0.1:\(LoopbackPort.free())", "--key", "cdn_x",
                                                "--data", folder.appendingPathComponent("elsewhere").path, "--port", "0"])
        #expect(unreachable.status != 0 && unreachable.stderr.contains("there is no copy yet"), "\(unreachable.stderr)")
        #expect(try CordonRunner.run(["mirror", "--hub", "ftp://x", "--key", "k"]).status != 0)
        let noRetention = try CordonRunner.run(["mirror", "--hub", "http://127.0.0.1:1", "--key", "k", "--retention-days", "0"])
        #expect(noRetention.status != 0 && noRetention.stderr.contains("--retention-days must be 1 to 3,650"), "\(noRetention.stderr)")
        for option in ["--hashes", "--trials", "--restart-runs"] {
            let bench = try CordonRunner.run(["bench", "mirror", option, "0"])
            #expect(bench.status != 0 && bench.stderr.contains("\(option) must be at least 1; got 0"), "\(bench.stderr)")
        }

        // Kills at random moments: three while the first copy is taken (the hub's signals
        // as they are, page by page), then, with 30,000 more hashes and a retraction at the
        // hub, two while the feed is caught up with (change by change).
        let arguments = ["--hub", "http://127.0.0.1:\(hub.port)", "--key", String(hubKey), "--collections", "mirror-test", "--data", data]
        var localKey: String?
        var generator = SystemRandomNumberGenerator()
        @Sendable func copied(_ mirror: ServerProcess, _ key: String?) async -> [String: Any]? {
            let status = try? await mirror.call("GET", "/v1/mirror/status", key: key)
            return ((status?.body as? [String: Any])?["collections"] as? [[String: Any]])?.first
        }
        /// Where a copy stands: the first copy's last signal while it is taken, then the feed cursor.
        @Sendable func progress(_ collection: [String: Any]?) -> [Int] {
            [(collection?["firstCopy"] as? [String: Any])?["copiedThrough"] as? Int ?? -1, collection?["cursor"] as? Int ?? -1]
        }
        func kill(times: Int, until done: Int) async throws -> [[String: Any]] {
            var atKills: [[String: Any]] = []
            for _ in 0..<times {
                let mirror = try ServerProcess(arguments, command: "mirror", ready: "Cordon mirror of")
                if localKey == nil { localKey = mirror.banner.firstMatch(of: /Local admin key \(shown once\): (cdn_[0-9a-f]+)/).map { String($0.output.1) } }
                // Once this start has copied a page (however slow the machine), at a random moment.
                let start = progress(await copied(mirror, localKey))
                let waitUntil = Date().addingTimeInterval(60)
                while Date() < waitUntil, let now = await copied(mirror, localKey), progress(now) == start, now["cursor"] as? Int != done {
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...300, using: &generator)))
                if let now = await copied(mirror, localKey) { atKills.append(now) }
                mirror.kill()
            }
            return atKills
        }
        let firstCopyCursor = try await hubFeed().cursor
        let duringCopy = try await kill(times: 3, until: firstCopyCursor)
        let key = try #require(localKey, "the first start prints the local key")
        #expect(duringCopy.contains { ($0["firstCopy"] as? [String: Any])?["copiedThrough"] as? Int ?? 0 > 0 },
                "at least one kill came mid-copy: \(duringCopy.map(progress))")
        // The first copy ends (the mirror started once more until it has), then the hub moves on.
        let finishing = try ServerProcess(arguments, command: "mirror", ready: "Cordon mirror of")
        let copyDeadline = Date().addingTimeInterval(120)
        while Date() < copyDeadline, await copied(finishing, key)?["cursor"] as? Int != firstCopyCursor {
            try await Task.sleep(for: .milliseconds(100))
        }
        finishing.kill()
        try await share(pages: 3)
        let laterRetraction = try #require(((((try await hub.call("POST", "/v1/match", key: String(hubKey), json: ["type": "pdq", "value": values[110_000], "maxDistance": 0]).body as? [String: Any])?["results"] as? [[String: Any]])?.first?["matches"] as? [[String: Any]])?.first?["signal"] as? [String: Any])?["id"] as? Int)
        #expect(try await hub.call("POST", "/v1/signals/\(laterRetraction)/retract", key: String(hubKey)).status == 200)
        retracted.append(laterRetraction)
        let (_, hubCursor, latest) = try await hubFeed()
        let duringCatchUp = try await kill(times: 2, until: hubCursor)
        #expect(duringCatchUp.contains { ($0["cursor"] as? Int ?? 0) > firstCopyCursor && ($0["cursor"] as? Int ?? 0) < hubCursor },
                "at least one kill came while catching up: \(duringCatchUp.map(progress))")

        // The last start: decisions reach the platform a second after they are taken.
        let badRule = try CordonRunner.run(["mirror"] + arguments + ["--port", "0", "--auto-remove", "nope=md5"])
        #expect(badRule.status != 0 && badRule.stderr.contains("copies no collection 'nope'"), "\(badRule.stderr)")
        let mirror = try ServerProcess(arguments + ["--undo-window", "1"], command: "mirror", ready: "Cordon mirror of")
        defer { mirror.stop() }
        #expect(!mirror.banner.contains("shown once"), "a restart makes no new key")
        var status: [String: Any] = [:]
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            status = try #require(try await mirror.call("GET", "/v1/mirror/status", key: key).body as? [String: Any])
            if ((status["collections"] as? [[String: Any]])?.first?["cursor"] as? Int) == hubCursor { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        let copy = try #require((status["collections"] as? [[String: Any]])?.first)
        let firstCopy = try #require(copy["firstCopy"] as? [String: Any])
        let asOf = try #require(firstCopy["asOf"] as? Int, "the first copy names the hub's cursor it was taken at")
        #expect(firstCopy["complete"] as? Bool == true && asOf <= firstCopyCursor)
        #expect(copy["cursor"] as? Int == hubCursor)
        #expect(copy["changes"] as? Int == (try await hubFeed(after: asOf)).changes,
                "every change after the first copy applied once: nothing skipped, nothing repeated")
        #expect(copy["signals"] as? Int == latest.count, "every signal of the hub's is here once")
        #expect(status["matchable"] as? Int == 130_000 - retracted.count)
        // Signals read back the same from both, the retracted ones as retracted.
        for id in Array(latest.keys.shuffled().prefix(100)) + retracted {
            let there = try #require(try await hub.call("GET", "/v1/signals/\(id)", key: String(hubKey)).body as? [String: Any])
            let here = try #require(try await mirror.call("GET", "/v1/signals/\(id)", key: key).body as? [String: Any])
            for field in ["value", "status", "type", "collectionID"] {
                #expect(there[field] as? String == here[field] as? String, "signal \(id) \(field)")
            }
            #expect(there["contributors"] as? [String] == here["contributors"] as? [String])
        }

        // A hash shared at the hub meets a past upload: a retro case, decided from the shell,
        // reaches the platform's receiver as a signed verdict; the hub's retraction then says
        // reinstatement may be due.
        let site = LoopbackSite()
        let past = String(format: "%016llx", random.next()) + String(repeating: "0f", count: 24)
        try await site.run { sitePort in
            let hook = try await mirror.call("POST", "/v1/webhooks", key: key, json: ["url": "http://127.0.0.1:\(sitePort)/verdicts"])
            let secret = try #require((hook.body as? [String: Any])?["secret"] as? String)
            let kept = try await mirror.call("POST", "/v1/uploads", key: key, json: [
                "contentID": "post-0", "client_context": "https://platform.example/p/0", "hashes": [["type": "pdq", "value": past]]])
            #expect(kept.status == 201 && (kept.body as? [String: Any])?["case"] == nil)
            let near = String(past.dropLast(2)) + "ff"
            let shared = try await hub.call("POST", "/v1/collections/\(collection)/signals", key: String(hubKey), json: ["type": "pdq", "value": near])
            let sharedID = try #require((((shared.body as? [String: Any])?["results"] as? [[String: Any]])?.first?["signal"] as? [String: Any])?["id"] as? Int)
            var retroID: Int?
            let until = Date().addingTimeInterval(30)
            while retroID == nil, Date() < until {
                let open = (try await mirror.call("GET", "/v1/review?state=open", key: key).body as? [String: Any])?["cases"] as? [[String: Any]] ?? []
                retroID = open.compactMap { $0["reviewCase"] as? [String: Any] }.first { $0["origin"] as? String == "retro" }?["id"] as? Int
                if retroID == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            let caseID = try #require(retroID, "the shared hash opened a retro case")
            let review = ["--mirror", "http://127.0.0.1:\(mirror.port)", "--key", key]
            let decided = try CordonRunner.run(["mirror", "review", "decide", "remove", "\(caseID)", "--reason", "incitement"] + review)
            #expect(decided.status == 0, "\(decided.stderr)")
            @Sendable func received(_ event: String) -> LoopbackSite.Call? {
                site.calls.withLock { calls in calls.first { $0.json?["event"] as? String == event && $0.json?["case_id"] as? Int == caseID } }
            }
            var verdict: LoopbackSite.Call?
            while verdict == nil, Date() < until.addingTimeInterval(30) {
                verdict = received("decision")
                if verdict == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            let call = try #require(verdict, "the decision reached the platform's receiver")
            #expect(call.json?["decision"] as? String == "BLOCK" && call.json?["client_context"] as? String == "https://platform.example/p/0")
            #expect(WebhookSignature.verify(header: call.signature, body: call.body, secret: secret))
            #expect(try await hub.call("POST", "/v1/signals/\(sharedID)/retract", key: String(hubKey)).status == 200)
            var reinstatement: LoopbackSite.Call?
            while reinstatement == nil, Date() < until.addingTimeInterval(60) {
                reinstatement = received("reinstatement-due")
                if reinstatement == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(reinstatement != nil, "the retraction says reinstatement may be due")
        }

        // The hub stops: the mirror matches on, with its own key.
        #expect(hub.stop() == 0)
        let match = try await mirror.call("POST", "/v1/match", key: key, json: ["type": "pdq", "value": values[12_345]])
        let matches = ((match.body as? [String: Any])?["results"] as? [[String: Any]])?.first?["matches"] as? [Any]
        #expect(match.status == 200 && matches?.count == 1)
        let refused = try await mirror.call("POST", "/v1/match", key: String(hubKey), json: ["type": "pdq", "value": values[12_345]])
        #expect(refused.status == 401, "the hub's key is not a key of the mirror")
        let bad = try await mirror.call("POST", "/v1/match", key: key, json: ["type": "pdq", "value": "zz"])
        #expect(bad.status == 400)

        // Offline still: an upload of a shared hash opens a case, worked from the shell.
        let upload = try await mirror.call("POST", "/v1/uploads", key: key, json: ["contentID": "post-1", "hashes": [["type": "pdq", "value": values[5]]]])
        let caseID = try #require(((upload.body as? [String: Any])?["case"] as? [String: Any])?["id"] as? Int)
        let review = ["--mirror", "http://127.0.0.1:\(mirror.port)", "--key", key]
        let listed = try CordonRunner.run(["mirror", "review", "list", "--state", "open"] + review)
        #expect(listed.status == 0 && listed.stdout.contains("\"contentID\":\"post-1\""), "\(listed.stderr)")
        let wrong = try CordonRunner.run(["mirror", "review", "decide", "delete", "\(caseID)", "--reason", "incitement"] + review)
        #expect(wrong.status != 0 && wrong.stderr.contains("decision is remove, leave-up or escalate"))
        let decided = try CordonRunner.run(["mirror", "review", "decide", "remove", "\(caseID)", "--reason", "incitement"] + review)
        #expect(decided.status == 0 && decided.stdout.contains("\"state\":\"decided\""), "\(decided.stderr)")
        try await Task.sleep(for: .seconds(2)) // the undo window, a second
        let verdicts = try CordonRunner.run(["mirror", "review", "verdicts"] + review)
        #expect(verdicts.stdout.contains("\"event\":\"decision\"") && verdicts.stdout.contains("\"decision\":\"BLOCK\""), "\(verdicts.stdout)")
    }
}
