import CordonDomain
import CordonServices
import CordonStore
import CordonTestSupport
import Foundation
import HTTPTypes
import PDQ
import Testing

/// Videos as signals over real HTTP: shared as frame features or the reference's text,
/// idempotent by features and by file digest, on the feed, matched under both rules,
/// across media, retracted; and every kind of bad video refused by field, nothing stored.
@Suite struct VideoSignalTests {
    /// A made-up video: `count` frames of random PDQ hashes, one a second.
    static func video(_ count: Int = 60, seed: UInt64) -> [(frame: Int, quality: Int, hash: PDQHash, time: Double)] {
        var generator = SplitMix(seed: seed)
        return (0..<count).map { i in
            (i * 25, 100, PDQHash(words: (generator.next(), generator.next(), generator.next(), generator.next())), Double(i))
        }
    }

    /// A re-encoded copy: bits flipped in every frame, every tenth frame dropped, a few
    /// frames of something else inserted.
    static func nearCopy(of video: [(frame: Int, quality: Int, hash: PDQHash, time: Double)], flips: Int = 12)
        -> [(frame: Int, quality: Int, hash: PDQHash, time: Double)]
    {
        var generator = SplitMix(seed: 99)
        var copy: [(frame: Int, quality: Int, hash: PDQHash, time: Double)] = []
        for (i, frame) in video.enumerated() where i % 10 != 5 {
            var hash = frame.hash
            for bit in 0..<flips { hash = hash.flipping(bit: (bit * 21 + i) % 256) }
            copy.append((0, frame.quality, hash, 0))
            if i % 20 == 0 { copy.append((0, 90, PDQHash(words: (generator.next(), generator.next(), generator.next(), generator.next())), 0)) }
        }
        return copy.enumerated().map { ($0.offset * 25, $0.element.quality, $0.element.hash, Double($0.offset)) }
    }

    static func json(_ video: [(frame: Int, quality: Int, hash: PDQHash, time: Double)]) -> [[String: Any]] {
        video.map { ["frameNumber": $0.frame, "quality": $0.quality, "hash": $0.hash.hex, "timestamp": $0.time] }
    }

    static func text(_ video: [(frame: Int, quality: Int, hash: PDQHash, time: Double)]) -> String {
        video.map { "\($0.frame),\($0.quality),\($0.hash.hex),\(String(format: "%.3f", $0.time))" }.joined(separator: "\n")
    }

    @Test(arguments: Backend.allCases)
    func videosAreSharedOnceMatchedUnderBothRulesAndAcrossMedia(_ backend: Backend) async throws {
        let f = try await HubFixture.make(backend)
        try await f.withServer { c in
            let uri = "/v1/collections/\(f.collection)/signals"
            let original = Self.video(seed: 1)
            let fileSHA256 = String(repeating: "ab", count: 32)
            let created = try await c.call(.post, uri, key: f.adminKey, json: [
                "type": "vpdq", "features": Self.json(original), "fileSHA256": fileSHA256.uppercased(),
                "labels": ["categories": ["incitement"]]])
            #expect(created.status == 201)
            let first = try #require((created.object["results"] as? [[String: Any]])?.first)
            let id = try #require(first["id"] as? Int)
            let signal = try #require(first["signal"] as? [String: Any])
            #expect(first["outcome"] as? String == "created" && signal["fileSHA256"] as? String == fileSHA256)
            #expect((signal["features"] as? [[String: Any]])?.count == 60 && (signal["value"] as? String)?.count == 64)

            // The same frames as the reference's text, from a second member: a source, not a copy.
            let (_, betaKey) = try await HubAPITests.member(f, c, name: "Beta", role: .contributor, access: .readWrite)
            let again = try await c.call(.post, uri, key: betaKey, json: ["type": "vpdq", "value": Self.text(original)])
            let second = try #require((again.object["results"] as? [[String: Any]])?.first)
            #expect(second["outcome"] as? String == "source-added" && second["id"] as? Int == id)
            // The same file hashed otherwise (fewer frames), named by its digest: the same signal.
            let (_, gammaKey) = try await HubAPITests.member(f, c, name: "Gamma", role: .contributor, access: .readWrite)
            let sameFile = try await c.call(.post, uri, key: gammaKey, json: [
                "type": "vpdq", "features": Self.json(Array(original.prefix(30))), "fileSHA256": fileSHA256, "fileMD5": String(repeating: "c", count: 32)])
            let third = try #require((sameFile.object["results"] as? [[String: Any]])?.first)
            #expect(third["outcome"] as? String == "source-added" && third["id"] as? Int == id)
            #expect((third["signal"] as? [String: Any])?["fileMD5"] as? String == String(repeating: "c", count: 32))
            #expect(try await f.store.signalCount() == 1)

            // An image shared from one of the frames, and an unrelated video.
            let still = original[30].hash.flipping(bit: 3).flipping(bit: 200)
            #expect(try await c.call(.post, uri, key: f.adminKey, json: ["type": "pdq", "value": still.hex]).status == 201)
            #expect(try await c.call(.post, uri, key: f.adminKey, json: ["type": "vpdq", "features": Self.json(Self.video(seed: 2))]).status == 201)

            // A near copy matches under the default rule, with both percentages; an unrelated video does not.
            let copy = Self.nearCopy(of: original)
            let matched = try await c.call(.post, "/v1/match", key: betaKey, json: ["type": "vpdq", "features": Self.json(copy)])
            #expect(matched.status == 200)
            let result = try #require((matched.object["results"] as? [[String: Any]])?.first)
            let matches = try #require(result["matches"] as? [[String: Any]])
            #expect(matches.count == 1 && (matches.first?["signal"] as? [String: Any])?["id"] as? Int == id)
            let queryPercent = try #require(matches.first?["queryMatchPercent"] as? Double)
            let comparedPercent = try #require(matches.first?["comparedMatchPercent"] as? Double)
            #expect(queryPercent >= 80 && queryPercent < 100 && comparedPercent == 90)
            #expect(result["lowQualityFrames"] as? Int == 0)
            let unrelated = try await c.call(.post, "/v1/match", key: betaKey, json: ["type": "vpdq", "features": Self.json(Self.video(seed: 3))])
            #expect(((unrelated.object["results"] as? [[String: Any]])?.first?["matches"] as? [Any])?.isEmpty == true)
            // A stricter threshold drops it; the reference's rule (distance < 31) still finds it.
            let strict = try await c.call(.post, "/v1/match", key: betaKey, json: [
                "type": "vpdq", "features": Self.json(copy), "queryMatchPercent": 99])
            #expect(((strict.object["results"] as? [[String: Any]])?.first?["matches"] as? [Any])?.isEmpty == true)
            let reference = try await c.call(.post, "/v1/match", key: betaKey, json: [
                "type": "vpdq", "value": Self.text(copy), "rule": "reference"])
            #expect(((reference.object["results"] as? [[String: Any]])?.first?["matches"] as? [Any])?.count == 1)

            // Across media, on request only: the still finds the video (and which frame), the video finds the still.
            let plain = try await c.call(.post, "/v1/match", key: betaKey, json: ["type": "pdq", "value": original[30].hash.hex])
            #expect(((plain.object["results"] as? [[String: Any]])?.first?["matches"] as? [[String: Any]])?.count == 1)
            let across = try await c.call(.post, "/v1/match", key: betaKey, json: [
                "type": "pdq", "value": original[30].hash.hex, "acrossMedia": true])
            let acrossMatches = try #require((across.object["results"] as? [[String: Any]])?.first?["matches"] as? [[String: Any]])
            let videoHit = try #require(acrossMatches.first { ($0["signal"] as? [String: Any])?["type"] as? String == "vpdq" })
            #expect((videoHit["frame"] as? [String: Any])?["frameNumber"] as? Int == 750 && videoHit["distance"] as? Int == 0)
            let videoAcross = try await c.call(.post, "/v1/match", key: betaKey, json: [
                "type": "vpdq", "features": Self.json(original), "acrossMedia": true])
            let both = try #require((videoAcross.object["results"] as? [[String: Any]])?.first?["matches"] as? [[String: Any]])
            let imageHit = try #require(both.first { ($0["signal"] as? [String: Any])?["type"] as? String == "pdq" })
            #expect((imageHit["frame"] as? [String: Any])?["frameNumber"] as? Int == 750 && imageHit["distance"] as? Int == 2)

            // On the feed with its frames; retracted, it no longer matches.
            let feed = try await c.call(.get, "/v1/feed?collection=\(f.collection)&since=0", key: betaKey)
            let fed = (feed.object["changes"] as? [[String: Any]] ?? []).compactMap { $0["signal"] as? [String: Any] }.filter { $0["id"] as? Int == id }
            #expect(fed.last.map { ($0["features"] as? [Any])?.count } == 60)
            #expect(try await c.call(.post, "/v1/signals/\(id)/retract", key: f.adminKey).status == 200)
            let gone = try await c.call(.post, "/v1/match", key: betaKey, json: ["type": "vpdq", "features": Self.json(copy)])
            #expect(((gone.object["results"] as? [[String: Any]])?.first?["matches"] as? [Any])?.isEmpty == true)
        }
    }

    @Test(arguments: Backend.allCases)
    func badVideosURLsAndTypesAreRefusedByFieldAndNothingIsStored(_ backend: Backend) async throws {
        var configuration = HubConfiguration()
        configuration.media.maxFramesPerVideo = 100
        let f = try await HubFixture.make(backend, configuration: configuration)
        try await f.withServer { c in
            let uri = "/v1/collections/\(f.collection)/signals"
            var frames = Self.json(Self.video(5, seed: 4))
            var shortHash = frames
            shortHash[2]["hash"] = "abc"
            var backwards = frames
            backwards[1]["frameNumber"] = 0
            var bright = frames
            bright[0]["quality"] = 101
            frames[3]["timestamp"] = -1
            let cases: [([String: Any], String)] = [
                (["type": "vpdq", "features": shortHash], "features[2].hash"),
                (["type": "vpdq", "features": backwards], "features[1].frameNumber"),
                (["type": "vpdq", "features": bright], "features[0].quality"),
                (["type": "vpdq", "features": frames], "features[3].timestamp"),
                (["type": "vpdq", "features": Self.json(Self.video(101, seed: 5))], "features"),
                (["type": "vpdq", "features": [] as [Any]], "features"),
                (["type": "vpdq", "value": "0,100,zz,0.000"], "value"),
                (["type": "vpdq", "value": String(repeating: "a", count: 64)], "value"),
                (["type": "vpdq", "features": Self.json(Self.video(2, seed: 6)), "fileSHA256": "abc"], "fileSHA256"),
                (["type": "tmk", "tmk": "VE1LMQ=="], "tmk"),
                (["type": "tmk", "tmk": "not base64!"], "tmk"),
                (["type": "url", "value": "ftp://files.example.org/x"], "value"),
                (["type": "url", "value": "not a url"], "value"),
                (["type": "url_md5", "value": "https://example.org/"], "value"),
                (["type": "pdq", "value": "ab", "features": Self.json(Self.video(2, seed: 7))], "features"),
                (["type": "md5", "value": String(repeating: "a", count: 64)], "value"),
                (["type": "md5", "value": String(repeating: "a", count: 32), "fileMD5": String(repeating: "a", count: 32)], "fileMD5"),
            ]
            for (body, field) in cases {
                let reply = try await c.call(.post, uri, key: f.adminKey, json: body)
                #expect(reply.status == 400 && reply.error["field"] as? String == field, "\(body): \(reply.status) \(reply.error)")
                let match = try await c.call(.post, "/v1/match", key: f.adminKey, json: body)
                #expect(match.status == 400, "match \(body): \(match.status)")
            }
            // In a bulk request, by index; one bad video stores none of the good ones.
            let bulk = try await c.call(.post, uri, key: f.adminKey, json: ["signals": [
                ["type": "vpdq", "features": Self.json(Self.video(3, seed: 8))], ["type": "vpdq", "features": backwards]]])
            #expect(bulk.status == 400 && bulk.error["field"] as? String == "signals[1].features[1].frameNumber")
            #expect(try await c.call(.post, "/v1/match", key: f.adminKey, json: ["type": "vpdq", "features": Self.json(Self.video(3, seed: 8)),
                                                                                 "queryMatchPercent": 120]).error["field"] as? String == "queryMatchPercent")
            #expect(try await c.call(.post, "/v1/match", key: f.adminKey, json: ["type": "url", "value": "https://example.org/",
                                                                                 "urlMatch": "domain"]).error["field"] as? String == "urlMatch")
            #expect(try await f.store.signalCount() == 0)
        }
    }

    @Test(arguments: Backend.allCases)
    func urlsMatchExactlyByHostOrByPath(_ backend: Backend) async throws {
        let f = try await HubFixture.make(backend)
        try await f.withServer { c in
            let uri = "/v1/collections/\(f.collection)/signals"
            let shared = try await c.call(.post, uri, key: f.adminKey, json: ["signals": [
                ["type": "url", "value": "HTTPS://Video.Example.NET/channel/abc/?utm_source=x"],
                ["type": "url", "value": "https://files.example.org/manifesto.pdf"],
                ["type": "url_md5", "value": String(repeating: "d", count: 32)],
            ]])
            #expect(shared.status == 201)
            let values = (shared.object["results"] as? [[String: Any]] ?? []).compactMap { ($0["signal"] as? [String: Any])?["value"] as? String }
            #expect(values.first == "https://video.example.net/channel/abc/")
            func found(_ url: String, _ mode: String? = nil) async throws -> [String] {
                var body: [String: Any] = ["type": "url", "value": url]
                if let mode { body["urlMatch"] = mode }
                let reply = try await c.call(.post, "/v1/match", key: f.adminKey, json: body)
                return ((reply.object["results"] as? [[String: Any]])?.first?["matches"] as? [[String: Any]] ?? [])
                    .compactMap { ($0["signal"] as? [String: Any])?["value"] as? String }
            }
            #expect(try await found("http://video.example.net/channel/abc/?fbclid=1") == ["https://video.example.net/channel/abc/"])
            #expect(try await found("https://video.example.net/channel/abc/clip-1").isEmpty)
            #expect(try await found("https://video.example.net/channel/abc/clip-1", "prefix") == ["https://video.example.net/channel/abc/"])
            #expect(try await found("https://video.example.net/channel/abcdef", "prefix").isEmpty)
            #expect(try await found("https://video.example.net/other", "host") == ["https://video.example.net/channel/abc/"])
            #expect(try await found("https://cdn.video.example.net/other", "host").isEmpty)
            let md5 = try await c.call(.post, "/v1/match", key: f.adminKey, json: ["type": "url_md5", "value": String(repeating: "D", count: 32)])
            #expect(((md5.object["results"] as? [[String: Any]])?.first?["matches"] as? [Any])?.count == 1)
        }
    }

    @Test(.enabled(if: SharedVectors.sharedRoot != nil, "needs ../shared/vectors/tmk beside the clone"))
    func tmkFilesAreSharedAndMatchedByBothLevels() async throws {
        let folder = try #require(SharedVectors.sharedRoot).appendingPathComponent("vectors/tmk/sample-hashes")
        @Sendable func tmk(_ name: String) throws -> [UInt8] { try [UInt8](Data(contentsOf: folder.appendingPathComponent(name))) }
        let f = try await HubFixture.make()
        try await f.withServer { c in
            let uri = "/v1/collections/\(f.collection)/signals"
            let chair = try await c.call(.post, uri, key: f.adminKey, json: ["type": "tmk", "tmk": Data(try tmk("chair-19-sd-bar.tmk")).base64EncodedString()])
            #expect(chair.status == 201)
            let chairID = (chair.object["results"] as? [[String: Any]])?.first?["id"] as? Int
            // Uploaded as the file itself.
            let (uploaded, _) = try await HubUploadTests.upload(c, uri, key: f.adminKey, try tmk("doorknob-hd-no-bar.tmk"), contentType: "application/octet-stream")
            #expect(uploaded == 201)
            let query = Data(try tmk("chair-22-sd-grey-bar.tmk")).base64EncodedString()
            let matched = try await c.call(.post, "/v1/match", key: f.adminKey, json: ["type": "tmk", "tmk": query])
            let matches = try #require((matched.object["results"] as? [[String: Any]])?.first?["matches"] as? [[String: Any]])
            // The reference's scores for this pair: 0.953346 and 0.962158; the doorknob's (0.18) are under 0.7.
            #expect(matches.count == 1 && (matches.first?["signal"] as? [String: Any])?["id"] as? Int == chairID)
            #expect(String(format: "%.6f", matches.first?["level1"] as? Double ?? 0) == "0.953346")
            #expect(String(format: "%.6f", matches.first?["level2"] as? Double ?? 0) == "0.962158")
            let strict = try await c.call(.post, "/v1/match", key: f.adminKey, json: ["type": "tmk", "tmk": query, "tmkLevel2": 0.97])
            #expect(((strict.object["results"] as? [[String: Any]])?.first?["matches"] as? [Any])?.isEmpty == true)
            let (matchStatus, byUpload) = try await HubUploadTests.upload(c, "/v1/match", key: f.adminKey, try tmk("chair-22-sd-grey-bar.tmk"), contentType: "application/octet-stream")
            #expect(matchStatus == 200 && ((byUpload["results"] as? [[String: Any]])?.first?["matches"] as? [Any])?.count == 1)
            let (truncated, _) = try await HubUploadTests.upload(c, uri, key: f.adminKey, Array(try tmk("chair-19-sd-bar.tmk").prefix(1000)), contentType: "application/octet-stream")
            #expect(truncated == 422)
            #expect(try await f.store.signalCount() == 2)
        }
    }
}

extension PDQHash {
    func flipping(bit: Int) -> PDQHash {
        var words = [self.words.0, self.words.1, self.words.2, self.words.3]
        words[bit / 64] ^= 1 << UInt64(bit % 64)
        return PDQHash(words: (words[0], words[1], words[2], words[3]))
    }
}
