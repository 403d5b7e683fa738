import CordonTestSupport
import Foundation
import Testing

extension RealProcessTests {
    /// The real python-threatexchange 1.2.17 from PyPI, unmodified, against a hub: the stock
    /// CLI through the StopNCII shape (configuration only), and pytx's own ThreatExchange
    /// exchange through the ThreatExchange shape (`endpoint_override`).
    @Suite(.serialized) struct ThreatExchangeClientTests {
        static let packages = ["threatexchange==1.2.17"]
        static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("pytx_te_fetch.py").path

        @Test func theStockCLIFetchesThroughTheStopNCIIShapeAndMatchesAReEncodedCopy() async throws {
            let venv = try PythonVenv.with(Self.packages)
            let hub = try await InteropHub.start()
            defer { hub.stop() }
            let images = hub.folder.appendingPathComponent("images")
            try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
            func image(_ seed: Int) throws -> (original: URL, copy: URL) {
                let pixels = TestImages.rgb(width: 512, height: 512, seed: seed)
                let original = images.appendingPathComponent("\(seed).png"), copy = images.appendingPathComponent("\(seed)-copy.jpg")
                try Data(PNGWriter.rgb(width: 512, height: 512, pixels: pixels)).write(to: original)
                try Data(JPEGWriter.jpeg(width: 512, height: 512, channels: 3, pixels: pixels, quality: 40)).write(to: copy)
                return (original, copy)
            }
            let shared = try image(3), withdrawn = try image(5), later = try image(7)
            let ids = try await hub.submit([
                ["type": "pdq", "value": try InteropHub.pdq(of: shared.original), "labels": ["categories": ["incitement"]]],
                ["type": "pdq", "value": try InteropHub.pdq(of: withdrawn.original)],
                ["type": "md5", "value": "d41d8cd98f00b204e9800998ecf8427e"],
            ])
            try await hub.retract(ids[1])

            // What the user pastes from `cordon connect`.
            let keys = try #require(try hub.connect(key: hub.betaKey).firstMatch(of: /TX_STOPNCII_KEYS="([^"]+)"/)).output.1
            let state = hub.folder.appendingPathComponent("txstate").path
            let environment = ["TX_STATEDIR": state, "TX_STOPNCII_KEYS": String(keys)]
            func tx(_ arguments: String...) throws -> (status: Int32, output: String, errors: String) {
                try PythonVenv.capture(venv.tool("threatexchange"), arguments, environment: environment)
            }
            #expect(try tx("config", "collab", "edit", "stop_ncii", "CORDON", "--create").status == 0)
            let fetch = try tx("fetch")
            #expect(fetch.status == 0, "\(fetch.output)\(fetch.errors)")

            let match = try tx("match", "photo", shared.copy.path)
            let line = try #require(match.output.firstMatch(of: /pdq (\d+) \(CORDON\) POSITIVE_CLASS \+1 \+Demo Platform/), "\(match.output)\(match.errors)")
            #expect(Int(line.output.1)! <= 31)

            // pytx ≤ 1.2.17 never deletes a StopNCII record (it compares the hash, not the
            // status, with "Withdrawn"): the retraction shows as the hub's NotBlocked opinion.
            let stale = try tx("match", "photo", withdrawn.copy.path)
            #expect(stale.output.contains("(CORDON) DISPUTED"), "\(stale.output)")

            let dataset = try tx("dataset", "-P")
            #expect(dataset.output.contains("video_md5 d41d8cd98f00b204e9800998ecf8427e"), "\(dataset.output)")

            // A second fetch resumes from its checkpoint and picks up what is new.
            #expect(try tx("match", "photo", later.copy.path).output.isEmpty)
            try await hub.submit([["type": "pdq", "value": try InteropHub.pdq(of: later.original)]])
            #expect(try tx("fetch").status == 0)
            #expect(try tx("match", "photo", later.copy.path).output.contains("(CORDON) POSITIVE_CLASS"))
        }

        @Test func pytxsThreatExchangeExchangeFetchesEveryAdditionLabelOpinionAndRetraction() async throws {
            let venv = try PythonVenv.with(Self.packages)
            let hub = try await InteropHub.start()
            defer { hub.stop() }
            let settings = try hub.connect(key: hub.betaKey)
            let found = try #require(settings.firstMatch(of: /privacy group: (\d+)\s+access token: (\S+)/))
            let group = String(found.output.1), token = String(found.output.2)
            let base = try #require(settings.firstMatch(of: /endpoint_override="([^"]+)"/)).output.1
            let stateFile = hub.folder.appendingPathComponent("te-state.json").path
            func fetch() throws -> [String: Any] {
                let run = try venv.run(script: Self.script, [String(base), token, group, stateFile])
                #expect(run.status == 0, "\(run.errors)")
                return try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any], "\(run.output)\(run.errors)")
            }

            // An empty collection: pytx asserts on an empty page, so the hub sends a sentinel tombstone.
            let empty = try fetch()
            #expect((empty["state"] as? [String: Any])?.isEmpty == true)
            try FileManager.default.removeItem(atPath: stateFile)

            let pdqs = (0..<150).map { _ in InteropHub.randomHex() }
            let ids = try await hub.submit(pdqs.map { ["type": "pdq", "value": $0, "labels": ["behaviours": ["recruitment"], "entity": "Group X"]] }
                + [["type": "md5", "value": "0cc175b9c0f1b6a831c399e269772661"]])
            try await hub.feedback(ids[0], "helpful", key: hub.betaKey)
            try await hub.feedback(ids[1], "false-positive", key: hub.betaKey)
            try await hub.feedback(ids[2], "disagree-labels", key: hub.betaKey)
            try await hub.submit([["type": "pdq", "value": pdqs[3]]], key: hub.betaKey)
            try await hub.retract(ids[4])

            let first = try fetch()
            #expect(first["deltas"] as? Int ?? 0 >= 2, "150 signals come in pages of 100")
            let state = try #require(first["state"] as? [String: [[String: Any]]])
            #expect(state.count == 150)
            #expect(state["HASH_PDQ \(pdqs[4])"] == nil, "the retraction deleted it")
            func opinions(_ index: Int) -> [String] {
                (state["HASH_PDQ \(pdqs[index])"] ?? []).map { "\($0["mine"] as! Bool ? "mine" : "theirs") \($0["category"]!)" }.sorted()
            }
            #expect(opinions(0) == ["mine POSITIVE_CLASS", "theirs POSITIVE_CLASS"])  // Beta's HELPFUL is its own opinion
            #expect(opinions(1) == ["mine NEGATIVE_CLASS", "theirs POSITIVE_CLASS"])  // Beta's false positive
            #expect(opinions(2) == ["mine NEGATIVE_CLASS", "theirs POSITIVE_CLASS"])  // Beta disagrees with the labels
            #expect(opinions(3) == ["mine POSITIVE_CLASS", "theirs POSITIVE_CLASS"])  // Beta contributed it too
            #expect(opinions(9) == ["theirs POSITIVE_CLASS"])
            let tags = (state["HASH_PDQ \(pdqs[9])"]?.first?["tags"] as? [String]) ?? []
            #expect(tags == ["behaviour:recruitment", "entity:Group X"])
            let signals = try #require(first["signals"] as? [String])
            #expect(signals.contains("video_md5 0cc175b9c0f1b6a831c399e269772661"), "HASH_MD5 + media_type_video is a video MD5")
            #expect(signals.count == 150)

            // Resuming from the checkpoint: only what changed since, and the checkpoint moves on.
            let added = InteropHub.randomHex()
            try await hub.submit([["type": "pdq", "value": added]])
            try await hub.retract(ids[6])
            let second = try fetch()
            let resumed = try #require(second["state"] as? [String: Any])
            #expect(resumed["HASH_PDQ \(added)"] != nil)
            #expect(resumed["HASH_PDQ \(pdqs[6])"] == nil)
            #expect(resumed.count == 150)
            #expect((second["checkpoint"] as? Int ?? 0) > (first["checkpoint"] as? Int ?? 0))
            #expect(second["deltas"] as? Int == 1)
        }
    }
}
