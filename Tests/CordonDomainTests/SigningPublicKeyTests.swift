@testable import CordonDomain
import Crypto
import Foundation
import Testing

/// Keys under which a signature proves nothing are refused (review finding F8).
@Suite struct SigningPublicKeyTests {
    /// The eight points of small order, as the multiples [L]Q of random curve points Q give
    /// them (L the group order).
    static let smallOrder: [String] = [
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
    ]
    /// y = p, p + 1, 2^255 - 1, and x = 0 with the sign bit set: encodings that are not
    /// canonical (the last two are the identity's and the order-2 point's).
    static let nonCanonical: [String] = [
        "0100000000000000000000000000000000000000000000000000000000000080",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    ]

    static func bytes(_ hex: String) -> [UInt8] {
        stride(from: 0, to: hex.count, by: 2).map { UInt8(hex.dropFirst($0).prefix(2), radix: 16)! }
    }

    @Test(arguments: smallOrder)
    func aSmallOrderKeyForgesSignaturesAndIsRefused(_ hex: String) throws {
        let raw = Self.bytes(hex)
        // The weakness is real with the verifier the hub uses: the signature (R = identity,
        // S = 0) verifies for some message out of a few hundred (for 1 in 8 at worst).
        let key = try Curve25519.Signing.PublicKey(rawRepresentation: raw)
        let forged = Data(Self.bytes("01" + String(repeating: "0", count: 126)))
        let forgedOne = (0..<400).contains { key.isValidSignature(forged, for: Data("order \($0)".utf8)) }
        #expect(forgedOne, "no message verified under \(hex): is this key of small order?")

        #expect(throws: RuleError.self) { try SigningPublicKey(raw: raw, field: "publicKey") }
        do {
            _ = try SigningPublicKey(base64: Data(raw).base64EncodedString(), field: "publicKey")
            Issue.record("accepted \(hex)")
        } catch {
            #expect(error.field == "publicKey" && error.message.contains("small order"))
        }
    }

    @Test(arguments: nonCanonical)
    func aNonCanonicalEncodingIsRefused(_ hex: String) {
        #expect(throws: RuleError.self) { try SigningPublicKey(raw: Self.bytes(hex), field: "publicKey") }
    }

    /// A real key plus a point of small order: BoringSSL takes it, and under it the signer
    /// can make signatures that a cofactored verifier accepts and the hub's refuses.
    @Test(arguments: smallOrder.filter { $0 != smallOrder[0] })
    func aRealKeyPlusAPointOfSmallOrderIsRefused(_ hex: String) throws {
        let real = Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation)
        let torsion = try #require(EdwardsPoint(encoding: Self.bytes(hex)))
        let mixed = (try #require(EdwardsPoint(encoding: real)) + torsion).encoding
        #expect(mixed != real)
        _ = try Curve25519.Signing.PublicKey(rawRepresentation: mixed)
        do {
            _ = try SigningPublicKey(raw: mixed, field: "publicKey")
            Issue.record("accepted \(mixed)")
        } catch {
            #expect(error.field == "publicKey" && error.message.contains("component of small order"), "\(error.message)")
        }
    }

    /// Bytes whose y has no x on the curve: BoringSSL takes them as a key, under which
    /// nothing ever verifies; the hub says so when the key is registered.
    @Test func bytesThatAreNoPointAreRefused() throws {
        var refused = 0
        for first in UInt8(2)...UInt8(40) {
            let raw = [first] + [UInt8](repeating: 0, count: 31)
            if EdwardsPoint(encoding: raw) == nil {
                refused += 1
                #expect(throws: RuleError.self) { try SigningPublicKey(raw: raw, field: "k") }
            }
        }
        // About half of all y values have no point; y = 2 is one of them.
        #expect(refused > 5 && EdwardsPoint(encoding: [2] + [UInt8](repeating: 0, count: 31)) == nil)
    }

    /// The arithmetic agrees with BoringSSL's: a real key decodes and encodes back to
    /// itself, and [L]P is the identity for it.
    @Test func aRealKeyRoundTripsThroughThePointArithmetic() throws {
        for _ in 0..<20 {
            let raw = Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation)
            let point = try #require(EdwardsPoint(encoding: raw))
            #expect(point.encoding == raw)
            #expect((point + point + point).encoding == point.times([3]).encoding)
            #expect(point.times(EdwardsPoint.primeOrder).isIdentity && !point.times([8]).isIdentity)
        }
    }

    @Test func realKeysAreAcceptedAndWrongSizesRefused() throws {
        for _ in 0..<100 {
            let raw = Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation)
            #expect(try SigningPublicKey(raw: raw, field: "k").raw == raw)
        }
        #expect(throws: RuleError.self) { try SigningPublicKey(raw: [UInt8](repeating: 7, count: 31), field: "k") }
        #expect(throws: RuleError.self) { try SigningPublicKey(base64: "not base64!", field: "k") }
    }
}
