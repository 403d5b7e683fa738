import CordonDomain
@testable import CordonServices
import CordonStore
import Foundation
import PDQ
import Testing
import VideoFeatures

/// A mirror reads the hub's feed pages by hand (``JSONReader``): it must read what
/// `JSONDecoder` reads, from the hub's own writer or any other, and refuse what is not a
/// feed page (and, stricter than Foundation's decoder, strings RFC 8259 forbids).
@Suite struct JSONReaderTests {
    static let signals: [StoredSignal] = [
        StoredSignal(id: 42, collectionID: UUID(), type: .pdq, value: String(repeating: "ab", count: 32),
                     item: "quote \" backslash \\ slash / newline \n tab \t bell \u{7} é 🕊",
                     labels: SignalLabels(categories: [.incitement, .threat], behaviours: [.attackerManifesto],
                                          entity: "Group \"X\"", incident: "2026-11-22"),
                     confidence: 0.75, status: .disputed, contributors: [UUID(), UUID()],
                     createdAt: Date(timeIntervalSince1970: 1_700_000_000.123), updatedAt: Date(timeIntervalSince1970: 1_700_000_100.5)),
        StoredSignal(id: 7, collectionID: UUID(), type: .md5, value: String(repeating: "0f", count: 16), contributors: [UUID()]),
        StoredSignal(id: 9, collectionID: UUID(), type: .vpdq, value: String(repeating: "cd", count: 32), contributors: [UUID()],
                     payload: try! VPDQFeatureList([VPDQFeature(frameNumber: 0, quality: 100, hash: PDQHash(words: (1, 2, 3, 4)), timestamp: 0),
                                                    VPDQFeature(frameNumber: 30, quality: 49, hash: PDQHash(words: (5, 6, 7, 8)), timestamp: 1.2345)]).binary,
                     fileMD5: String(repeating: "1", count: 32), fileSHA256: String(repeating: "2", count: 64)),
        StoredSignal(id: 10, collectionID: UUID(), type: .tmk, value: String(repeating: "ef", count: 32),
                     contributors: [UUID()], payload: Array("TMK1 bytes/with+base64".utf8)),
    ]

    static let page = API.FeedPage(changes: signals.enumerated().map { index, signal in
        API.FeedPage.Change(SignalChange(cursor: 100 + index, kind: index == 1 ? .retracted : .added,
                                         at: index == 2 ? nil : Date(timeIntervalSince1970: 1_800_000_000.25), signal: signal))
    }, next: 103)

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { try HubStore.date(iso: $0.singleValueContainer().decode(String.self))! }
        return decoder
    }()

    static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : .sortedKeys
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(HubStore.iso(date))
        }
        return encoder
    }

    /// Read by hand and by `JSONDecoder`, then written again: the same document.
    static func readsAsTheDecoder(_ bytes: [UInt8]) throws -> Bool {
        let ours = try API.FeedPage(json: bytes)
        let theirs = try decoder.decode(API.FeedPage.self, from: Data(bytes))
        return try encoder().encode(ours) == encoder().encode(theirs) && ours.changes.count == theirs.changes.count
    }

    @Test func readsTheHandWrittenPageAndTheEncodersPrettyOne() throws {
        #expect(try Self.readsAsTheDecoder(Self.page.json()))
        #expect(try Self.readsAsTheDecoder(Array(Self.encoder(pretty: true).encode(Self.page))))
        let page = try API.FeedPage(json: Self.page.json())
        #expect(page.next == 103 && page.changes.map(\.cursor) == [100, 101, 102, 103])
        #expect(page.changes[0].signal.item == Self.signals[0].item && page.changes[0].signal.labels == Self.signals[0].labels)
        #expect(page.changes[2].signal.features?.count == 2 && page.changes[2].at == nil)
        #expect(page.changes[3].signal.tmk == Data("TMK1 bytes/with+base64".utf8).base64EncodedString())
        #expect(try API.FeedPage(json: API.FeedPage(changes: [], next: 7).json()).next == 7)
    }

    @Test func readsEscapesNullsAndMembersItDoesNotKnow() throws {
        let id = UUID()
        let text = #"""
        { "future": {"nested": [1, -2.5e3, true, false, null, "x\"y"]},
          "changes": [ { "cursor": 5, "kind": "updated", "at": null, "extra": [],
            "signal": { "id": 3, "collectionID": "\#(id)", "type": "url", "value": "https:\/\/example.org\/caf\u00e9\ud83d\udd4a",
                        "labels": {"categories": [], "behaviours": ["attacker-manifesto"], "entity": null, "other": {}},
                        "confidence": 1e-1, "status": "active", "contributors": [], "item": null } } ],
          "next": 5 }
        """#
        #expect(try Self.readsAsTheDecoder(Array(text.utf8)))
        let change = try #require(try API.FeedPage(json: Array(text.utf8)).changes.first)
        #expect(change.signal.value == "https://example.org/café🕊" && change.signal.confidence == 0.1)
        #expect(change.signal.collectionID == id && change.signal.labels.behaviours == [.attackerManifesto])
        let event = try API.FeedPage.Change(json: Array(#"{"cursor":1,"kind":"added","signal":{"id":1,"collectionID":"\#(id)","type":"md5","value":"00","status":"active"}}"#.utf8))
        #expect(event.signal.contributors.isEmpty && event.signal.labels == SignalLabels())
    }

    @Test(arguments: [
        (#"{"changes": [], "next": 1"#, "'}' in an object"),
        (#"{"changes": [], "next": 1} x"#, "after the document"),
        (#"{"changes": []}"#, "next"),
        (#"{"changes": [{"cursor": 1, "kind": "moved", "signal": {}}], "next": 1}"#, "moved"),
        (#"{"changes": [{"cursor": 1, "kind": "added"}], "next": 1}"#, "cursor, kind and signal"),
        (#"{"changes": [], "next": "1"}"#, "expected a value"),
        (#"{"changes": [], "next": 1.5}"#, "whole number"),
        (#"{"x": "\ud800", "changes": [], "next": 1}"#, "surrogate"),
        ("{\"x\": \"a\u{1}b\", \"changes\": [], \"next\": 1}", "control character"),
        (#"{"changes": [{"cursor": 1, "kind": "added", "signal": {"id": 1, "collectionID": "nope", "type": "md5", "value": "0", "status": "active"}}], "next": 1}"#, "not a UUID"),
    ])
    func refusesWhatIsNotAFeedPage(_ text: String, _ saying: String) throws {
        let error = #expect(throws: JSONReader.Failure.self) { try API.FeedPage(json: Array(text.utf8)) }
        #expect(error?.description.contains(saying) == true, "\(error.map(String.init(describing:)) ?? "")")
    }
}
