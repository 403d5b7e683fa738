import Foundation
import Testing

@testable import PDQ

@Suite struct PDQHashTests {
    let sample = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"

    @Test func hexRoundTrips() throws {
        let hash = try #require(PDQHash(hex: sample))
        #expect(hash.hex == sample)
        #expect(PDQHash(hex: sample.uppercased()) == hash)
        #expect(PDQHash(bytes: hash.bytes) == hash)
        #expect(hash.bytes.first == 0xF8 && hash.bytes.last == 0x22)
    }

    @Test(arguments: ["", "f8f8", String(repeating: "0", count: 63), String(repeating: "0", count: 65),
                      String(repeating: "g", count: 64), String(repeating: " ", count: 64)])
    func rejectsMalformedHex(_ text: String) {
        #expect(PDQHash(hex: text) == nil)
    }

    @Test func rejectsWrongByteCount() {
        #expect(PDQHash(bytes: [UInt8](repeating: 0, count: 31)) == nil)
        #expect(PDQHash(bytes: [UInt8](repeating: 0, count: 33)) == nil)
    }

    @Test func bitKIsTheValueTwoToTheK() throws {
        var hash = PDQHash.zero
        hash.setBit(0)
        #expect(hash.hex == String(repeating: "0", count: 63) + "1")
        hash.setBit(255)
        #expect(hash.hex.hasPrefix("8"))
        #expect(hash.bit(0) && hash.bit(255) && !hash.bit(1))
        #expect(hash.nonzeroBitCount == 2)
    }

    @Test func distanceCountsDifferingBits() throws {
        let a = try #require(PDQHash(hex: sample))
        var b = a
        #expect(a.distance(to: b) == 0)
        for k in [3, 64, 100, 200, 255] where !b.bit(k) { b.setBit(k) }
        #expect(a.distance(to: b) == (0..<256).filter { a.bit($0) != b.bit($0) }.count)
        let ones = try #require(PDQHash(hex: String(repeating: "f", count: 64)))
        #expect(PDQHash.zero.distance(to: ones) == 256)
    }

    @Test func codableAsHexText() throws {
        let hash = try #require(PDQHash(hex: sample))
        let data = try JSONEncoder().encode([hash])
        #expect(String(decoding: data, as: UTF8.self) == "[\"\(sample)\"]")
        #expect(try JSONDecoder().decode([PDQHash].self, from: data) == [hash])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([PDQHash].self, from: Data("[\"abc\"]".utf8))
        }
    }
}
