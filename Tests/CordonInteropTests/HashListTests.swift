import CordonDomain
import CordonInterop
import Foundation
import Testing
import VideoFeatures

/// Hash-list files in and out: every format round-trips what it can carry, and a bad
/// line is refused with its position and reason, never silently dropped.
@Suite struct HashListTests {
    static let pdq = String(repeating: "ab", count: 32)
    static let md5 = "0cc175b9c0f1b6a831c399e269772661"
    static let sha = String(repeating: "cd", count: 32)
    static let labelled = SignalLabels(categories: [.incitement, .threat], behaviours: [.recruitment], entity: "Group X", incident: "2026-07")
    static let entries: [(id: Int, entry: HashListEntry)] = [
        (1, HashListEntry(type: .pdq, value: pdq, labels: labelled, item: "post-1", confidence: 0.5)),
        (2, HashListEntry(type: .md5, value: md5)),
        (3, HashListEntry(type: .sha256, value: sha)),
    ]

    @Test(arguments: HashListFormat.allCases)
    func everyFormatReadsBackWhatItWrote(_ format: HashListFormat) throws {
        let data = HashListWriter(format: format, listName: "terrorist-content").write(Self.entries)
        let read = try HashListReader(format: format).read(data)
        #expect(read.refused.isEmpty, "\(read.refused)")
        #expect(read.entries.map(\.type) == [.pdq, .md5, .sha256])
        #expect(read.entries.map(\.value) == [Self.pdq, Self.md5, Self.sha])
        switch format {
        case .csv:
            #expect(read.entries[0] == Self.entries[0].entry, "the CSV carries every field")
        case .threatExchangeJSON:
            #expect(read.entries[0].labels.categories == [.incitement, .threat] && read.entries[0].labels.entity == "Group X")
        default:
            break
        }
    }

    @Test func pytxsLocalFileIsTypeSpaceHashPerLine() throws {
        let text = String(decoding: HashListWriter(format: .pytxFile, listName: "x").write(Self.entries), as: UTF8.self)
        #expect(text == "pdq \(Self.pdq)\nvideo_md5 \(Self.md5)\nvideo_sha256 \(Self.sha)\n")
        let mixed = "pdq \(Self.pdq.uppercased())\n\nphotodna abc\npdq 1234\nvideo_md5\n"
        let read = try HashListReader(format: .pytxFile).read(Data(mixed.utf8))
        #expect(read.entries.map(\.value) == [Self.pdq], "upper-case hex is normalised")
        #expect(read.refused.map(\.position) == [3, 4, 5])
        #expect(read.refused[0].reason.contains("unknown signal type 'photodna'"))
        #expect(read.refused[1].reason.contains("64 hex digits"))
    }

    @Test func listsCarryVideosURLsAndTMK() throws {
        let frames = (0..<3).map { "\"\(String(repeating: String($0), count: 64)),100,\($0).0\"" }
        let text = "vpdq [\(frames.joined(separator: ", "))]\nurl HTTPS://Example.ORG/a?utm_source=x\nurl_md5 \(Self.md5)\n"
            + "vpdq [\"xyz,100,0.0\"]\ntmk VE1LMQ==\n"
        let read = try HashListReader(format: .pytxFile).read(Data(text.utf8))
        #expect(read.entries.map(\.type) == [.vpdq, .url, .urlMD5])
        #expect(read.entries[1].value == "https://example.org/a")
        let video = try read.entries[0].submission.validated()
        #expect(video.payload.map { try? VPDQFeatureList(binary: $0).features.map(\.frameNumber) } == [0, 1, 2])
        #expect(read.refused.map(\.position) == [4, 5], "\(read.refused)")
    }

    @Test func csvReadsPytxsDatasetColumnsAndRefusesBadCells() throws {
        let pytx = "signal_type,signal_str,collab,category,tags\npdq,\(Self.pdq),CORDON,POSITIVE_CLASS,category:threat behaviour:glorification\n"
        let read = try HashListReader(format: .csv).read(Data(pytx.utf8))
        #expect(read.entries.first?.labels == SignalLabels(categories: [.threat], behaviours: [.glorification]))
        let bad = "type,value,categories,confidence\npdq,\(Self.pdq),nonsense,1\npdq,\(Self.pdq),,2\n\"md5\",\"\(Self.md5)\",,\n"
        let result = try HashListReader(format: .csv).read(Data(bad.utf8))
        #expect(result.refused.map(\.position) == [2, 3])
        #expect(result.refused[0].reason == "unknown category 'nonsense'")
        #expect(result.entries.map(\.type) == [.md5], "quoted cells are read")
        #expect(throws: HashListError.self) { try HashListReader(format: .csv).read(Data("a,b\n1,2\n".utf8)) }
    }

    @Test func tatAndThreatExchangeDeletionsAreNotImported() throws {
        let tat = """
        {"count": 2, "next": null, "previous": null, "results": [
          {"hash_digest": "\(Self.pdq)", "algorithm": "PDQ", "ideology": "far-right", "file_type": "png", "deleted": false, "updated_on": 1.0, "created_on": "", "id": 1},
          {"hash_digest": "\(Self.md5)", "algorithm": "MD5", "ideology": "islamist", "file_type": "mp4", "deleted": true, "updated_on": 2.0, "created_on": "", "id": 2}]}
        """
        let read = try HashListReader(format: .tat).read(Data(tat.utf8))
        #expect(read.entries.map(\.value) == [Self.pdq] && read.refused.map(\.reason) == ["deleted in the list"])
        let te = #"{"data": [{"id": "1", "indicator": "\#(Self.md5)", "type": "HASH_MD5", "should_delete": true}]}"#
        #expect(try HashListReader(format: .threatExchangeJSON).read(Data(te.utf8)).entries.isEmpty)
        #expect(throws: HashListError.self) { try HashListReader(format: .tat).read(Data("{\"data\": []}".utf8)) }
        #expect(throws: HashListError.self) { try HashListReader(format: .hmaJSON).read(Data("not json".utf8)) }
    }

    @Test func identifiersSuitTheirTools() {
        let id = UUID()
        let number = ExchangeIdentifiers.number(id)
        #expect(number == ExchangeIdentifiers.number(id) && String(number).count >= 9)
        let token = ExchangeIdentifiers.appToken(organisation: id, key: "cdn_0123456789abcdef0123")
        #expect(token.firstMatch(of: /^[0-9]{8,}\|[a-zA-Z0-9_\-]{20,}$/) != nil, "pytx's is_valid_app_token")
        #expect(ExchangeIdentifiers.key(inAppToken: token) == "cdn_0123456789abcdef0123")
        #expect(ExchangeIdentifiers.key(inAppToken: token.replacingOccurrences(of: "|", with: "%7C")) == "cdn_0123456789abcdef0123")
        #expect(ExchangeIdentifiers.bankName("terrorist-content 2026") == "TERRORIST_CONTENT_2026")
        #expect(ExchangeIdentifiers.bankName("2026 list") == "_2026_LIST")
        #expect(HMAShapes.isValidBankName(ExchangeIdentifiers.bankName("ünïcode ✓")))
        #expect(SignalLabels.from(tags: Self.labelled.tags).labels == Self.labelled)
        #expect(SignalLabels.from(tags: ["group:x"]).unknown == ["group:x"])
    }
}
