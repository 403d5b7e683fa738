@testable import CordonDomain
import Foundation
import Testing

/// Numbers in canonical JSON as RFC 8785 (ES6) writes them: the review's F18 found `1e-07`
/// and `1e+15` where every other JCS library writes `1e-7` and `1000000000000000`.
struct CanonicalJSONNumberTests {
    /// IEEE 754 bit patterns and what ES6 writes, after RFC 8785's own samples.
    static let samples: [(UInt64, String)] = [
        (0x0000_0000_0000_0000, "0"),
        (0x8000_0000_0000_0000, "0"),
        (0x0000_0000_0000_0001, "5e-324"),
        (0x8000_0000_0000_0001, "-5e-324"),
        (0x7FEF_FFFF_FFFF_FFFF, "1.7976931348623157e+308"),
        (0xFFEF_FFFF_FFFF_FFFF, "-1.7976931348623157e+308"),
        (0x4340_0000_0000_0000, "9007199254740992"),
        (0xC340_0000_0000_0000, "-9007199254740992"),
        (0x4430_0000_0000_0000, "295147905179352830000"),
        (0x44B5_2D02_C7E1_4AF5, "9.999999999999997e+22"),
        (0x44B5_2D02_C7E1_4AF6, "1e+23"),
        (0x444B_1AE4_D6E2_EF4E, "999999999999999700000"),
        (0x444B_1AE4_D6E2_EF4F, "999999999999999900000"),
        (0x444B_1AE4_D6E2_EF50, "1e+21"),
        (0x3EB0_C6F7_A0B5_ED8C, "9.999999999999997e-7"),
        (0x3EB0_C6F7_A0B5_ED8D, "0.000001"),
        (0x41B3_DE43_5555_5553, "333333333.3333332"),
        (0x41B3_DE43_5555_5554, "333333333.33333325"),
        (0x41B3_DE43_5555_5555, "333333333.3333333"),
        (0x41B3_DE43_5555_5556, "333333333.3333334"),
        (0x41B3_DE43_5555_5557, "333333333.33333343"),
        (0xBECB_F647_612F_3696, "-0.0000033333333333333333"),
        (0x4314_3FF3_C1CB_0959, "1424953923781206.2"),
    ]

    @Test func theRFCsSamples() {
        for (bits, expected) in Self.samples {
            #expect(CanonicalJSON.number(Double(bitPattern: bits)) == expected, "\(String(bits, radix: 16))")
        }
    }

    @Test func theEdgesBetweenPlainAndExponentNotation() {
        let cases: [(Double, String)] = [
            (1e-7, "1e-7"), (1e-6, "0.000001"), (1.5e-6, "0.0000015"), (1e15, "1000000000000000"), (1e20, "100000000000000000000"),
            (1e21, "1e+21"), (1.5e21, "1.5e+21"), (123, "123"), (-1.5, "-1.5"), (0.1, "0.1"), (100.25, "100.25"),
        ]
        for (value, expected) in cases { #expect(CanonicalJSON.number(value) == expected) }
    }

    @Test func numbersInsideADocumentAreWrittenTheSameWay() throws {
        let json = try JSONDecoder().decode(CanonicalJSON.self, from: Data(#"{"b":1E-7,"a":[1e15,-0.0,4.50]}"#.utf8))
        #expect(String(decoding: json.bytes, as: UTF8.self) == #"{"a":[1000000000000000,0,4.5],"b":1e-7}"#)
    }
}
