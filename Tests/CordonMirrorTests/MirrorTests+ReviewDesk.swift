import CordonDomain
import CordonHub
import CordonMirror
import CordonOutbound
import CordonServices
import CordonStore
import CordonTestSupport
import Foundation
import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

extension MirrorTests {
    /// The review desk against a live hub: uploads matched when they arrive and again when
    /// the hub shares a hash; a decision undone, taken again and published after the undo
    /// window as a signed verdict at the platform's receiver (and as feedback at the hub);
    /// a retraction's "reinstatement may be due"; bulk decisions, all or none; priority;
    /// an automatic removal; repeat uploaders; statements of reasons; bad input refused;
    /// preserved files, and the retention that forgets uploads.
    static func reviewDesk(_ up: UpstreamFixture, _ mirror: Mirror, base: String, key: String, clock: AdjustableWallClock,
                           receiver: String, site: LoopbackSite) async throws {
        let local = try await mirror.hub.services.caller(secret: key)
        let hook = try await call(.POST, base + "/v1/webhooks", key: key, json: ["url": receiver])
        let secret = try #require(hook.body["secret"] as? String, "\(hook.body)")
        let later = Self.hashes(1, seed: 4242)[0].value
        let uploaded = try await call(.POST, base + "/v1/uploads", key: key, json: [
            "contentID": "video-1", "accountID": "user-9", "client_context": "https://platform.example/v/1",
            "hashes": [["type": "pdq", "value": later]]])
        #expect(uploaded.status == 201 && uploaded.body["case"] == nil, "nothing matches yet: \(uploaded.body)")
        #expect(try await eventually(60) { try await mirror.hub.services.store.campaigns().count == 1 }, "the mirror copies the hub's campaigns")
        let known = try await call(.POST, base + "/v1/uploads", key: key, json: [
            "contentID": "image-2", "accountID": "user-9", "hashes": [["type": "pdq", "value": Self.hashes(25_000, seed: 1)[77].value]]])
        let knownCase = try #require((known.body["case"] as? [String: Any])?["id"] as? Int)
        #expect((known.body["case"] as? [String: Any])?["origin"] as? String == "upload", "a known hash opens a case at once")
        #expect((known.body["campaigns"] as? [[String: Any]])?.first?["name"] as? String == "Exit", "the hub's campaigns are offered offline: \(known.body)")

        // The hub shares a near copy of the first upload's hash: a retro-match case opens.
        let near = String(later.prefix(62)) + (later.hasSuffix("00") ? "ff" : "00")
        let shared = try await up.hub.services.submit(API.Submission(signals: [SignalSubmission(type: .pdq, value: near,
            labels: SignalLabels(categories: [.incitement]))]), to: up.collection, by: up.platform).results[0].id
        @Sendable func retroCase() async throws -> [String: Any]? {
            let open = try await call(.GET, base + "/v1/review?state=open", key: key).body["cases"] as? [[String: Any]] ?? []
            return open.first { (($0["reviewCase"] as? [String: Any])?["origin"] as? String) == "retro" }
        }
        _ = try await eventually { try await retroCase() != nil }
        let retro = try await retroCase()
        let caseID = try #require((retro?["reviewCase"] as? [String: Any])?["id"] as? Int)
        let evidence = try #require((retro?["matches"] as? [[String: Any]])?.first)
        #expect(evidence["signalID"] as? Int == shared && (evidence["distance"] as? Int ?? 99) <= 8)
        #expect(((evidence["signal"] as? [String: Any])?["labels"] as? [String: Any])?["categories"] as? [String] == ["incitement"])
        #expect((retro?["upload"] as? [String: Any])?["contentID"] as? String == "video-1")
        #expect((retro?["account"] as? [String: Any])?["matched"] as? Int == 2, "user-9's two matched uploads are shown with the case")

        // Decided, undone, decided again: nothing reaches the platform inside the undo window.
        let bad = try await call(.POST, base + "/v1/review/\(caseID)/decision", key: key, json: ["decision": "delete", "reason": "incitement"])
        #expect(bad.status == 400 && (bad.body["error"] as? [String: Any])?["field"] as? String == "decision")
        let badReason = try await call(.POST, base + "/v1/review/\(caseID)/decision", key: key, json: ["decision": "remove", "reason": "dislike"])
        #expect(badReason.status == 400 && (badReason.body["error"] as? [String: Any])?["field"] as? String == "reason")
        let decided = try await call(.POST, base + "/v1/review/\(caseID)/decision", key: key, json: ["decision": "leave-up", "reason": "needs-context"])
        #expect(decided.status == 200 && (decided.body["reviewCase"] as? [String: Any])?["state"] as? String == "decided")
        #expect(decided.body["undoUntil"] != nil)
        let undone = try await call(.POST, base + "/v1/review/\(caseID)/undo", key: key)
        #expect(undone.status == 200 && (undone.body["reviewCase"] as? [String: Any])?["state"] as? String == "open")
        #expect(try await call(.POST, base + "/v1/review/\(caseID)/undo", key: key).status == 409, "only a decision is undone")
        #expect(try await call(.POST, base + "/v1/review/\(caseID)/decision", key: key, json: ["decision": "remove", "reason": "incitement"]).status == 200)
        #expect(try await call(.POST, base + "/v1/review/\(caseID)/decision", key: key, json: ["decision": "remove", "reason": "incitement"]).status == 409)
        @Sendable func delivered(_ event: String, case id: Int) -> [String: Any]? {
            site.calls.withLock { calls in calls.first { $0.json?["event"] as? String == event && $0.json?["case_id"] as? Int == id } }?.json
        }
        #expect(try await eventually { delivered("case-opened", case: caseID) != nil }, "the retro case is pushed")
        try await Task.sleep(for: .seconds(1))
        #expect(delivered("decision", case: caseID) == nil, "a decision waits out its undo window")

        // The window passes: a signed verdict with Altitude's fields and the matches; feedback at the hub.
        clock.advance(by: 61)
        #expect(try await eventually { delivered("decision", case: caseID) != nil }, "the decision is pushed once the window has passed")
        let verdict = try #require(delivered("decision", case: caseID))
        #expect(verdict["decision"] as? String == "BLOCK" && verdict["client_context"] as? String == "https://platform.example/v/1")
        #expect(verdict["decision_time"] is String && verdict["action"] as? String == "remove" && verdict["reason"] as? String == "incitement")
        #expect((verdict["matches"] as? [[String: Any]])?.first?["signal_id"] as? Int == shared)
        for call in site.calls.withLock({ $0 }) {
            #expect(WebhookSignature.verify(header: call.signature, body: call.body, secret: secret), "every verdict is signed")
        }
        #expect(try await eventually { try await up.hub.services.feedbackCounts(on: shared, by: up.platform)[.seenToo] == 1 },
                "the removal went back to the hub as feedback")
        #expect(try await call(.POST, base + "/v1/review/\(caseID)/undo", key: key).status == 409, "a published decision stays")

        // The user appeals; the platform reinstates. The hub hears of both on the signal, with
        // the match's distance and no user data; the signal is quarantined, and the mirror's
        // next match on it says review-only.
        let noOutcome = try await call(.POST, base + "/v1/review/\(caseID)/appeal", key: key, json: ["outcome": "maybe"])
        #expect(noOutcome.status == 400 && (noOutcome.body["error"] as? [String: Any])?["field"] as? String == "outcome")
        #expect(try await call(.POST, base + "/v1/review/\(knownCase)/appeal", key: key, json: ["outcome": "reinstated"]).status == 409,
                "an open case has no removal to appeal")
        let appealed = try await call(.POST, base + "/v1/review/\(caseID)/appeal", key: key, json: ["outcome": "reinstated"])
        #expect(appealed.status == 200 && appealed.body["appeal"] as? String == "reinstated", "\(appealed.body)")
        #expect(try await call(.POST, base + "/v1/review/\(caseID)/appeal", key: key, json: ["outcome": "upheld"]).status == 409,
                "an appeal is decided once")
        #expect(try await eventually(60) { try await up.hub.services.feedbackCounts(on: shared, by: up.platform)[.reinstated] == 1 },
                "the reinstatement went back to the hub")
        let ledger = try await up.hub.services.ledger(of: shared, by: up.platform)
        #expect(ledger.ledger.appeals == 1 && ledger.ledger.reinstatements == 1 && ledger.ledger.actions == 1)
        #expect(ledger.signal.status == .quarantined && ledger.reason == "false-positives" && !ledger.actionable)
        #expect(try await up.hub.services.ledgerReport(by: "algorithm", caller: up.platform).rows.contains { $0.key.hasPrefix("pdq at distance") },
                "the mirror sent the match's distance")
        #expect(try await eventually(60) { (try? await mirror.hub.services.signal(shared, by: local).status) == .quarantined },
                "the mirror follows the quarantine")
        let again = try await call(.POST, base + "/v1/uploads", key: key, json: ["contentID": "video-1-copy", "hashes": [["type": "pdq", "value": near]]])
        let againMatch = (again.body["matches"] as? [[String: Any]])?.first { ($0["signal"] as? [String: Any])?["id"] as? Int == shared }
        #expect(againMatch?["reviewOnly"] as? Bool == true, "\(again.body)")

        // The hub retracts the hash: the case closes, reinstatement is due, pulled and pushed alike.
        _ = try await up.hub.services.retract(shared, by: up.platform)
        #expect(try await eventually { delivered("reinstatement-due", case: caseID) != nil },
                "a retraction of what a removal rested on says reinstatement may be due")
        let verdicts = try await call(.GET, base + "/v1/verdicts?since=0", key: key).body["events"] as? [[String: Any]] ?? []
        let kinds = verdicts.filter { $0["case_id"] as? Int == caseID }.compactMap { $0["event"] as? String }
        #expect(kinds == ["case-opened", "decision", "appeal-decided", "case-closed", "reinstatement-due"])
        #expect(verdicts.first { $0["case_id"] as? Int == caseID }?["content_id"] as? String == "video-1")

        // Priority: a graver label goes first, whatever its age; the cursor pages on.
        let grave = try await up.hub.services.submit(API.Submission(signals: [SignalSubmission(type: .pdq, value: Self.hashes(1, seed: 777)[0].value,
            labels: SignalLabels(categories: [.threat], behaviours: [.imminentThreat]))]), to: up.collection, by: up.platform).results[0]
        #expect(try await eventually { (try? await mirror.hub.services.signal(grave.id, by: local).id) == grave.id })
        let graveCase = try #require((try await call(.POST, base + "/v1/uploads", key: key, json: [
            "contentID": "image-3", "accountID": "user-4", "hashes": [["type": "pdq", "value": Self.hashes(1, seed: 777)[0].value]]])
            .body["case"] as? [String: Any])?["id"] as? Int)
        let first = try await call(.GET, base + "/v1/review?state=open&order=priority&limit=1", key: key).body
        #expect(((first["cases"] as? [[String: Any]])?.first?["reviewCase"] as? [String: Any])?["id"] as? Int == graveCase)
        let cursor = try #require(first["next"] as? String)
        let second = try await call(.GET, base + "/v1/review?state=open&order=priority&limit=1&cursor=\(cursor)", key: key).body
        #expect(((second["cases"] as? [[String: Any]])?.first?["reviewCase"] as? [String: Any])?["id"] as? Int == knownCase)
        #expect(try await call(.GET, base + "/v1/review?order=loudest", key: key).status == 400)
        #expect(try await call(.GET, base + "/v1/review?order=priority&cursor=zz", key: key).status == 400)

        // Bulk: all or none, each case named in the refusal.
        let refusedBulk = try await call(.POST, base + "/v1/review/decisions", key: key,
                                         json: ["cases": [knownCase, caseID], "decision": "leave-up", "reason": "not-violating"])
        #expect(refusedBulk.status == 409 && (refusedBulk.body["error"] as? [String: Any])?["field"] as? String == "cases[1]")
        let twice = try await call(.POST, base + "/v1/review/decisions", key: key,
                                   json: ["cases": [knownCase, knownCase], "decision": "leave-up", "reason": "not-violating"])
        #expect(twice.status == 400 && (twice.body["error"] as? [String: Any])?["field"] as? String == "cases[1]")
        let stillOpen = try await call(.GET, base + "/v1/review/\(knownCase)", key: key).body
        #expect((stillOpen["reviewCase"] as? [String: Any])?["state"] as? String == "open", "a refused bulk decision changes nothing")
        let bulk = try await call(.POST, base + "/v1/review/decisions", key: key,
                                  json: ["cases": [knownCase, graveCase], "decision": "remove", "reason": "threat"])
        #expect(bulk.status == 200 && (bulk.body["cases"] as? [[String: Any]])?.count == 2)

        // An automatic rule: an exact MD5 of the shared list removes at once, recorded as automated.
        let digest = String(repeating: "ab", count: 16)
        _ = try await up.hub.services.submit(API.Submission(signals: [SignalSubmission(type: .md5, value: digest,
            labels: SignalLabels(categories: [.participation]))]), to: up.collection, by: up.platform)
        #expect(try await eventually {
            try await mirror.hub.services.match(API.MatchQuery(hashes: [.init(type: .md5, value: digest)]), by: local).results[0].matches.count == 1
        })
        let automatic = try #require(try await call(.POST, base + "/v1/uploads", key: key, json: [
            "contentID": "file-5", "accountID": "user-9", "hashes": [["type": "md5", "value": digest]]]).body["case"] as? [String: Any])
        #expect(automatic["state"] as? String == "decided" && automatic["automated"] as? Bool == true && automatic["reason"] as? String == "participation")
        let automaticID = try #require(automatic["id"] as? Int)
        #expect(try await eventually { delivered("decision", case: automaticID)?["automated"] as? Bool == true }, "published at once")

        // Repeat uploaders, local only.
        clock.advance(by: 61)
        #expect(try await eventually { delivered("decision", case: graveCase) != nil })
        let accounts = try await call(.GET, base + "/v1/review/accounts?days=30", key: key).body["accounts"] as? [[String: Any]] ?? []
        #expect(accounts.first?["accountID"] as? String == "user-9" && accounts.first?["matched"] as? Int == 3 && accounts.first?["removed"] as? Int == 3)
        #expect(accounts.contains { $0["accountID"] as? String == "user-4" && $0["removed"] as? Int == 1 })
        #expect(try await call(.GET, base + "/v1/review/accounts?days=0", key: key).status == 400)

        // Statements of reasons: one per published removal, in the DSA database's schema.
        let lines = try await text(base + "/v1/review/statements?format=jsonl", key: key).split(separator: "\n")
        #expect(lines.count == 4, "four removals: the retro case, the bulk two, the automatic one")
        let statements = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(statements.allSatisfy { $0["automated_detection"] as? String == "Yes" && $0["decision_ground"] as? String == "DECISION_GROUND_INCOMPATIBLE_CONTENT" })
        #expect(statements.filter { $0["automated_decision"] as? String == "AUTOMATED_DECISION_FULLY" }.count == 1)
        #expect(Set(statements.compactMap { $0["puid"] as? String }).count == 4)
        let decoded = try lines.map { try JSONDecoder().decode(StatementOfReasons.self, from: Data($0.utf8)) }
        #expect(decoded.allSatisfy { $0.problems.isEmpty })

        // Files: an image as the body is hashed and kept as its hashes; Altitude's base64 body too;
        // the hub then shares the image's PDQ and both are found again.
        let png = TestImages.png(width: 320, height: 240, seed: 11)
        let asFile = try await send(base + "/v1/uploads?contentID=photo-7&accountID=user-4", key: key, body: png, type: "image/png")
        #expect(asFile.status == 201 && asFile.body["case"] == nil, "\(asFile.body)")
        let stored = try #require(asFile.body["upload"] as? [String: Any])
        let pdq = try #require(stored["pdq"] as? String)
        #expect(stored["md5"] is String && (stored["pdqQuality"] as? Int ?? 0) >= 50)
        let altitude = try await call(.POST, base + "/v1/uploads", key: key, json: [
            "client_context": "https://platform.example/p/8", "content_bytes": Data(png).base64EncodedString()])
        #expect(altitude.status == 201 && (altitude.body["upload"] as? [String: Any])?["pdq"] as? String == pdq)
        let imageSignal = try await up.hub.services.submit(API.Submission(signals: [SignalSubmission(type: .pdq, value: pdq,
            labels: SignalLabels(categories: [.incitement]))]), to: up.collection, by: up.platform).results[0].id
        #expect(try await eventually {
            let open = try await call(.GET, base + "/v1/review?state=open", key: key).body["cases"] as? [[String: Any]] ?? []
            let found = open.filter { ($0["matches"] as? [[String: Any]])?.contains { $0["signalID"] as? Int == imageSignal } == true }
            return Set(found.compactMap { ($0["upload"] as? [String: Any])?["contentID"] as? String }) == ["photo-7", "https://platform.example/p/8"]
        }, "both copies of the image are found when the hub shares it")
        if TestVideos.available {
            // A video uploaded before the hub shares it is found by its frames when it does;
            // a later upload of it is matched by its frames at once.
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-mirror-video-\(UUID())")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let video = try TestVideos.pattern("clip.mp4", in: folder, width: 64, height: 48, fps: 10, seconds: 3)
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: video)))
            let before = try await send(base + "/v1/uploads?contentID=clip-0", key: key, body: bytes, type: "video/mp4")
            #expect(before.status == 201 && before.body["case"] == nil && (before.body["upload"] as? [String: Any])?["sha256"] is String, "\(before.body)")
            #expect((before.body["upload"] as? [String: Any])?["frames"] == nil, "the frames stay out of answers")
            let videoSignal = try await up.hub.services.submit(uploadAt: video, as: SignalSubmission(type: .vpdq, value: "",
                labels: SignalLabels(categories: [.incitement])), to: up.collection, by: up.platform).results[0].id
            #expect(try await eventually {
                let open = try await call(.GET, base + "/v1/review?state=open", key: key).body["cases"] as? [[String: Any]] ?? []
                return open.contains { item in
                    (item["upload"] as? [String: Any])?["contentID"] as? String == "clip-0"
                        && (item["matches"] as? [[String: Any]])?.contains { $0["signalID"] as? Int == videoSignal } == true
                }
            }, "the shared video's frames found the video uploaded before")
            let clip = try await send(base + "/v1/uploads?contentID=clip-1", key: key, body: bytes, type: "video/mp4")
            let clipMatches = (clip.body["case"] as? [String: Any])?["matches"] as? [[String: Any]] ?? []
            #expect(clip.status == 201 && clipMatches.contains { $0["signalID"] as? Int == videoSignal }, "the video's frames matched: \(clip.body)")
        } else {
            Issue.record("ffmpeg is missing: ./scripts/install-deps.sh installs it")
        }
        let notAnImage = try await send(base + "/v1/uploads?contentID=x", key: key, body: Array("not an image".utf8), type: "image/png")
        #expect(notAnImage.status == 422 && (notAnImage.body["error"] as? [String: Any])?["field"] as? String == "body", "\(notAnImage.status) \(notAnImage.body)")
        let nameless = try await send(base + "/v1/uploads", key: key, body: png, type: "image/png")
        #expect(nameless.status == 400 && (nameless.body["error"] as? [String: Any])?["field"] as? String == "contentID")

        // Bad uploads: clear 400s naming the field, nothing kept.
        @Sendable func allCases() async throws -> [String] {
            let listed = try await call(.GET, base + "/v1/review", key: key)
            let cases = try #require(listed.body["cases"] as? [[String: Any]], "\(listed.status) \(listed.body)")
            return cases.map { item in
                let reviewCase = item["reviewCase"] as? [String: Any]
                return "\(reviewCase?["id"] ?? "?") \(reviewCase?["origin"] ?? "?") \((item["upload"] as? [String: Any])?["contentID"] ?? "?")"
            }
        }
        let before = try await allCases()
        for (body, field) in [(["contentID": "x"] as [String: Any], "hashes"), (["hashes": [["type": "pdq", "value": later]]], "contentID"),
                              (["contentID": "x", "hashes": [["type": "pdq", "value": "zz"]]], "hashes[0].value"),
                              (["contentID": "x", "content_bytes": "%%%"], "content_bytes")] {
            let refused = try await call(.POST, base + "/v1/uploads", key: key, json: body)
            #expect(refused.status == 400 && (refused.body["error"] as? [String: Any])?["field"] as? String == field, "\(body): \(refused.body)")
        }
        let after = try await allCases()
        #expect(after == before, "before: \(before); after: \(after)")

        // Preserved files (the platform keeps media here): the photo's is kept with its case, a hashes-only upload has none.
        let open = try await call(.GET, base + "/v1/review?state=open&limit=100", key: key).body["cases"] as? [[String: Any]] ?? []
        let photoCase = try #require((open.first { ($0["upload"] as? [String: Any])?["contentID"] as? String == "photo-7" }?["reviewCase"]
            as? [String: Any])?["id"] as? Int)
        #expect(try await mirror.desk.keptMedia(ofCase: photoCase, by: local)?.contentType == "image/png")
        #expect(try await mirror.desk.keptMedia(ofCase: knownCase, by: local) == nil)

        // A file a crash left between preserving and storing is swept; kept files stay.
        let folder = try #require(mirror.desk.options.mediaFolder)
        try Data("left by a crash".utf8).write(to: folder.appendingPathComponent("incoming-\(UUID())"))
        #expect(mirror.desk.sweepIncoming() == 1)
        #expect(try !FileManager.default.contentsOfDirectory(atPath: folder.path).contains { $0.hasPrefix("incoming-") })
        #expect(try await mirror.desk.keptMedia(ofCase: photoCase, by: local)?.contentType == "image/png")

        // Past the retention window hashes and files are forgotten, and no later hash finds them.
        let forgotten = Self.hashes(1, seed: 777)[0].value
        #expect(try await call(.POST, base + "/v1/uploads", key: key, json: ["contentID": "late", "hashes": [["type": "pdq", "value": forgotten]]]).status == 201)
        clock.advance(by: 31 * 86_400)
        #expect(try await mirror.desk.purgeExpired() >= 4)
        #expect(try await mirror.desk.keptMedia(ofCase: photoCase, by: local) == nil)
        let media = try FileManager.default.contentsOfDirectory(atPath: try #require(mirror.desk.options.mediaFolder).path)
        #expect(!media.contains { $0.hasPrefix("upload-") }, "\(media)")
        let photo = try await call(.GET, base + "/v1/review/\(photoCase)", key: key).body
        #expect((photo["upload"] as? [String: Any])?["contentID"] as? String == "photo-7" && (photo["upload"] as? [String: Any])?["pdq"] == nil)
        let sharedLate = try await up.hub.services.submit(API.Submission(signals: [SignalSubmission(type: .pdq, value: forgotten,
            labels: SignalLabels(categories: [.incitement]))]), to: up.collection, by: up.platform).results[0].id
        #expect(try await eventually {
            let found = try await call(.POST, base + "/v1/match", key: key, json: ["type": "pdq", "value": forgotten]).body
            return ((found["results"] as? [[String: Any]])?.first?["matches"] as? [[String: Any]])?.contains {
                ($0["signal"] as? [String: Any])?["id"] as? Int == sharedLate } == true
        }, "the mirror has the new hash (and re-checked its page)")
        let all = try await call(.GET, base + "/v1/review?state=all&limit=100", key: key).body["cases"] as? [[String: Any]] ?? []
        #expect(!all.contains { ($0["upload"] as? [String: Any])?["contentID"] as? String == "late" }, "a forgotten upload is never re-checked")
    }

    /// One POST of raw bytes.
    static func send(_ url: String, key: String, body: [UInt8], type: String) async throws -> (status: Int, body: [String: Any]) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Content-Type", value: type)
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let data = try await response.body.collect(upTo: 1 << 22)
        return (Int(response.status.code), (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView)) as? [String: Any]) ?? [:])
    }

    /// One GET's body as text.
    static func text(_ url: String, key: String) async throws -> String {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        return String(buffer: try await response.body.collect(upTo: 1 << 22))
    }
}
