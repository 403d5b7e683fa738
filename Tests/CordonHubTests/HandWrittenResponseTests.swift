import CordonDomain
@testable import CordonHub
@testable import CordonServices
import CordonStore
import Foundation
import PDQ
import VideoFeatures
import Testing

/// The match, submission and feed answers are written by hand (``JSONText``); each must be the
/// document the hub's `JSONEncoder` writes for the same value, escapes and absent fields
/// included.
@Suite struct HandWrittenResponseTests {
    static let full = StoredSignal(
        id: 42, collectionID: UUID(), type: .pdq, value: String(repeating: "ab", count: 32),
        item: "quote \" backslash \\ slash / newline \n tab \t bell \u{7} é 🕊",
        labels: SignalLabels(categories: [.incitement, .threat], behaviours: [.attackerManifesto],
                             entity: "Group \"X\"", incident: "2026-11-22"),
        confidence: 0.75, status: .disputed, contributors: [UUID(), UUID()],
        createdAt: Date(timeIntervalSince1970: 1_700_000_000.123), updatedAt: Date(timeIntervalSince1970: 1_700_000_100.5))
    static let bare = StoredSignal(id: 7, collectionID: UUID(), type: .md5, value: String(repeating: "0f", count: 16),
                                   contributors: [UUID()])

    /// A video with its frames and file digests, and a TMK file.
    static let video = StoredSignal(
        id: 9, collectionID: UUID(), type: .vpdq, value: String(repeating: "cd", count: 32), contributors: [UUID()],
        payload: try! VPDQFeatureList([VPDQFeature(frameNumber: 0, quality: 100, hash: PDQHash(words: (1, 2, 3, 4)), timestamp: 0),
                                       VPDQFeature(frameNumber: 30, quality: 49, hash: PDQHash(words: (5, 6, 7, 8)), timestamp: 1.2345)]).binary,
        fileMD5: String(repeating: "1", count: 32), fileSHA256: String(repeating: "2", count: 64))
    static let tmk = StoredSignal(id: 10, collectionID: UUID(), type: .tmk, value: String(repeating: "ef", count: 32),
                                  contributors: [UUID()], payload: Array("TMK1 bytes/with+base64".utf8))

    static func sameDocument(_ ours: [UInt8], _ value: some Encodable) throws -> Bool {
        let theirs = try JSONSerialization.jsonObject(with: try HubRequestContext.encoder.encode(value)) as? NSDictionary
        return try theirs != nil && JSONSerialization.jsonObject(with: Data(ours)) as? NSDictionary == theirs
    }

    @Test func handWrittenMatchJSONEqualsTheEncoders() throws {
        let (full, bare) = (Self.full, Self.bare)
        let result = API.MatchResult(results: [
            .init(type: .pdq, value: full.value, matches: [.init(signal: .init(full), distance: 3), .init(signal: .init(bare), distance: 0)]),
            .init(type: .md5, value: bare.value, matches: []),
            .init(type: .vpdq, value: Self.video.value, matches: [
                .init(signal: .init(Self.video), queryMatchPercent: 87.5, comparedMatchPercent: 100),
                .init(signal: .init(full), distance: 4, frame: .init(VPDQFeature(frameNumber: 30, quality: 80, hash: PDQHash(words: (0, 0, 0, 0)), timestamp: 1.2345))),
            ], lowQualityFrames: 1),
            .init(type: .tmk, value: Self.tmk.value, matches: [.init(signal: .init(Self.tmk), level1: 0.9, level2: 0.812345)]),
        ])
        #expect(try Self.sameDocument(result.json(), result))
        var suggested = result
        let partner = UUID()
        suggested.campaigns = [
            API.CampaignSuggestion(Campaign(id: UUID(), partnerID: partner, partnerName: "Exit \"Nord\"", name: "Aussteigen", goal: "g", audience: "a",
                message: "Es gibt einen Weg raus.\n", messenger: "m", media: "video", callToAction: "Ruf an", languages: ["de", "tr"], ideologies: [],
                labels: SignalLabels(categories: [.incitement]), countries: [], incidents: [], validFrom: Date(), validUntil: nil,
                landingPage: "https://exit.example/de?a=1&b=2", helpline: "+49 30 1234")),
            API.CampaignSuggestion(Campaign(id: UUID(), partnerID: partner, partnerName: "P", name: "No helpline", goal: "g", audience: "a",
                message: "m", messenger: "m", media: "m", callToAction: "c", languages: [], ideologies: [], labels: SignalLabels(),
                countries: [], incidents: [], validFrom: Date(), validUntil: nil, landingPage: nil, helpline: nil)),
        ]
        #expect(try Self.sameDocument(suggested.json(), suggested))
    }

    @Test func handWrittenSubmissionJSONEqualsTheEncoders() throws {
        let full = API.SubmissionResult(results: [
            .init(outcome: .created, id: Self.full.id, signal: .init(Self.full)),
            .init(outcome: .sourceAdded, id: Self.bare.id, signal: .init(Self.bare)),
            .init(outcome: .created, id: Self.video.id, signal: .init(Self.video)),
            .init(outcome: .created, id: Self.tmk.id, signal: .init(Self.tmk)),
        ])
        let minimal = API.SubmissionResult(results: [.init(outcome: .unchanged, id: 1, signal: nil), .init(outcome: .created, id: 2, signal: nil)])
        #expect(try Self.sameDocument(full.json(), full))
        #expect(try Self.sameDocument(minimal.json(), minimal))
        #expect(try Self.sameDocument(API.SubmissionResult(results: []).json(), API.SubmissionResult(results: [])))
    }

    @Test func handWrittenFeedPageJSONEqualsTheEncoders() throws {
        let signals = [Self.full, Self.bare, Self.video, Self.tmk]
        let page = API.FeedPage(changes: signals.enumerated().map { index, signal in
            API.FeedPage.Change(SignalChange(cursor: 100 + index, kind: index == 1 ? .retracted : .added,
                                             at: index == 2 ? nil : Date(timeIntervalSince1970: 1_800_000_000.25), signal: signal))
        }, next: 103)
        #expect(try Self.sameDocument(page.json(), page))
        let empty = API.FeedPage(changes: [], next: 7)
        #expect(try Self.sameDocument(empty.json(), empty))
    }

    @Test func handWrittenSnapshotPageJSONEqualsTheEncodersAndReadsBack() throws {
        let signals = [Self.full, Self.bare, Self.video, Self.tmk].map(API.SignalOut.init)
        let page = API.SignalSnapshot(asOf: 1234, signals: signals, next: 10, complete: false)
        #expect(try Self.sameDocument(page.json(), page))
        let read = try API.SignalSnapshot(json: page.json())
        #expect(read.asOf == 1234 && read.next == 10 && !read.complete && read.signals.map(\.id) == [42, 7, 9, 10])
        #expect(abs((read.signals[0].createdAt?.timeIntervalSince1970 ?? 0) - 1_700_000_000.123) < 0.001, "times to the millisecond")
        #expect(read.signals[0].item == Self.full.item && read.signals[2].features?.count == 2) 
        let last = API.SignalSnapshot(asOf: 0, signals: [], next: 0, complete: true)
        #expect(try Self.sameDocument(last.json(), last) && API.SignalSnapshot(json: last.json()).complete)
        #expect(throws: (any Error).self) { try API.SignalSnapshot(json: Array(#"{"signals":[],"next":0,"complete":"yes","asOf":1}"#.utf8)) }
        #expect(throws: (any Error).self) { try API.SignalSnapshot(json: Array(#"{"signals":[],"next":0}"#.utf8)) }
    }
}
