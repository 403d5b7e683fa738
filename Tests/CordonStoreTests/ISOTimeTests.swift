import CordonStore
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
}
