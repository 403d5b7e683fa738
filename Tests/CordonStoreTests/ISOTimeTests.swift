import CordonStore
import CordonTestSupport
import Foundation
import Testing

/// The hub's times are written by hand (``HubStore/iso(_:)``) exactly as Foundation writes
/// them, and read back by hand (``HubStore/date(iso:)``) to the same millisecond.
@Suite struct ISOTimeTests {
    @Test func handWrittenTimesAreFoundationsOnesAndReadBack() {
        var random = SystemRandomNumberGenerator()
        // Edges (the epoch, day and leap-year ends, the last representable millisecond, a
        // fraction a hair under the next millisecond) and random times, whole and not.
        var times: [Double] = [0, 0.0005, 0.9999999, 951_782_399.9995, 951_868_800, 1_106_576_867.915, 4_102_444_799.999,
                               253_402_300_799.999, -1, -86_400.5, -62_135_596_800, 253_402_300_800]
        times += (0..<20_000).map { _ in Double.random(in: 0...4e9, using: &random) }
        times += (0..<20_000).map { _ in Double(Int.random(in: 0...4_000_000_000_000, using: &random)) / 1000 }
        for time in times {
            let date = Date(timeIntervalSince1970: time)
            let written = HubStore.iso(date)
            let foundation = Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
            #expect(written == foundation, "\(time)")
            if time >= 0, time < 253_402_300_800, let read = HubStore.date(iso: written) {
                #expect(abs(read.timeIntervalSince1970 - (time * 1000).rounded(.down) / 1000) < 0.0015, "\(time) read back as \(read)")
            }
        }
    }

    @Test func theHandReaderAgreesWithFoundation() throws {
        var random = SplitMix(seed: 3)
        for _ in 0..<2000 {
            let date = Date(timeIntervalSince1970: Double(random.next() % 6_000_000_000) / 1000 - 1_000_000)
            let text = HubStore.iso(date)
            let foundation = try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
            let mine = try #require(HubStore.date(iso: text))
            #expect(abs(mine.timeIntervalSince(foundation)) < 0.0005, "\(text)")
            #expect(HubStore.iso(mine) == HubStore.iso(foundation), "\(text) → \(HubStore.iso(foundation))")
        }
        #expect(HubStore.date(iso: "2024-02-29T23:59:59Z") == ISO8601DateFormatter().date(from: "2024-02-29T23:59:59Z"))
        #expect(HubStore.date(iso: "2026-13-01T00:00:00.000Z") == nil)
        #expect(HubStore.date(iso: "2026-12-01T10:00:00+01:00") == ISO8601DateFormatter().date(from: "2026-12-01T09:00:00Z"))
        #expect(HubStore.date(iso: "yesterday") == nil)
    }
}
