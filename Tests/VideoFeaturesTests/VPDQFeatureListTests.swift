import PDQ
import Testing
import VideoFeatures

/// The binary form a hub stores videos in: it round-trips, refuses what it would not
/// write, and is the same whether the frames came as text or as numbers.
@Suite struct VPDQFeatureListTests {
    static let frames = (0..<5).map { i in
        VPDQFeature(frameNumber: i * 30, quality: 40 + i * 10, hash: PDQHash(words: (UInt64(i), ~UInt64(i), 0xdead_beef, UInt64(i) << 40)),
                    timestamp: Float(i) * 1.001)
    }

    @Test func theBinaryFormRoundTripsAt41BytesAFrame() throws {
        let list = try VPDQFeatureList(Self.frames)
        #expect(list.binary.count == 1 + 5 * 41)
        #expect(try VPDQFeatureList(binary: list.binary) == list)
        #expect(try VPDQFeatureList(text: list.text) == list)
        #expect(list.text.split(separator: "\n").first == "0,40,\(Self.frames[0].hash.hex),0.000")
    }

    @Test func textAndNumbersOfOneVideoHaveOneBinaryForm() throws {
        // The reference prints three decimals; numbers with more are kept as it prints them.
        let precise = try VPDQFeatureList(Self.frames)
        let printed = try VPDQFeatureList(text: Self.frames.map(\.line).joined(separator: "\n"))
        #expect(precise.binary == printed.binary)
    }

    @Test func whatIsNotAVideoIsRefusedSayingWhere() throws {
        var backwards = Self.frames
        backwards[3].frameNumber = 10
        #expect(throws: VPDQFeatureError(frame: 3, field: "frameNumber", "frame numbers start at 0 and increase; frame 3 has 10 after 60")) {
            try VPDQFeatureList(backwards)
        }
        var bright = Self.frames
        bright[1].quality = 101
        #expect((try? VPDQFeatureList(bright)) == nil)
        #expect(throws: VPDQFeatureError.self) { try VPDQFeatureList(Self.frames, maxFrames: 4) }
        #expect(throws: VPDQFeatureError.self) { try VPDQFeatureList([]) }
        #expect(throws: VPDQFeatureError.self) { try VPDQFeatureList(text: "0,100,abc,0.000") }
        let binary = try VPDQFeatureList(Self.frames).binary
        #expect(throws: VPDQFeatureError.self) { try VPDQFeatureList(binary: binary.dropLast()) }
        #expect(throws: VPDQFeatureError.self) { try VPDQFeatureList(binary: [2] + binary.dropFirst()) }
    }

    @Test func anIndexTakesVideosInAndOutWithoutARebuild() throws {
        let index = VPDQIndex()
        index.add(Self.frames, of: "a")
        index.add(Self.frames.map { VPDQFeature(frameNumber: $0.frameNumber, quality: 100, hash: PDQHash(words: (7, 7, 7, 7)), timestamp: 0) }, of: "b")
        #expect(index.matches(for: Self.frames).keys.sorted() == ["a"])
        #expect(index.frames(near: Self.frames[4].hash, maxDistance: 0).map(\.key) == ["a"])
        index.remove("a")
        #expect(index.matches(for: Self.frames).isEmpty && index.count.videos == 1)
        index.compact()
        #expect(index.frames(near: PDQHash(words: (7, 7, 7, 7)), maxDistance: 0).first?.feature.frameNumber == 0)
    }
}
