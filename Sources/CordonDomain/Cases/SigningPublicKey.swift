import Foundation

/// An issuer's Ed25519 public key, accepted only if a signature under it proves something.
///
/// The verifier (BoringSSL's, through swift-crypto) is cofactorless and takes any 32 bytes.
/// Under a key of small order — the identity, or one of the seven other points of order
/// 2, 4 or 8 — a forged signature (R = the identity, S = 0) verifies for a fixed share of
/// all messages (for the identity, every message), so an authority holding such a key
/// could deny any order it signed. Non-canonical encodings (y ≥ p) are refused as well:
/// two encodings of one key would give one order two identities.
public struct SigningPublicKey: Sendable, Hashable {
    /// The raw 32-byte encoding (RFC 8032 §5.1.2).
    public let raw: [UInt8]

    /// Decodes a base64 raw public key, refusing what ``init(raw:field:)`` refuses.
    public init(base64: String, field: String) throws(RuleError) {
        guard let data = Data(base64Encoded: base64) else {
            throw .invalid(field, "\(field) must be a raw 32-byte Ed25519 public key in base64")
        }
        try self.init(raw: Array(data), field: field)
    }

    public init(raw: [UInt8], field: String) throws(RuleError) {
        guard raw.count == 32 else {
            throw .invalid(field, "\(field) must be a raw 32-byte Ed25519 public key in base64, not \(raw.count) bytes")
        }
        var y = raw
        y[31] &= 0x7f
        guard Self.isCanonical(y) else {
            throw .invalid(field, "\(field) is not a canonical Ed25519 encoding (its y coordinate is not below 2^255 - 19); export the key again in RFC 8032 form")
        }
        guard !Self.smallOrderY.contains(y) else {
            throw .invalid(field, "\(field) is a point of small order: signatures under it can be forged, so it proves nothing; generate a new key pair")
        }
        self.raw = raw
    }

    /// Whether the little-endian 255-bit `y` is below p = 2^255 - 19.
    static func isCanonical(_ y: [UInt8]) -> Bool {
        // p is ed ff ff ... ff 7f in little-endian; y >= p only if y's top 31 bytes are p's.
        guard y[31] == 0x7f, y[1..<31].allSatisfy({ $0 == 0xff }) else { return true }
        return y[0] < 0xed
    }

    /// The y coordinates (sign bit cleared) of the eight points of small order: x = 0 gives
    /// the identity (y = 1) and the point of order 2 (y = p - 1); y = 0 the two of order 4;
    /// the rest are of order 8.
    static let smallOrderY: Set<[UInt8]> = [
        [0x01] + [UInt8](repeating: 0, count: 31),
        [0xec] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
        [UInt8](repeating: 0, count: 32),
        [0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
         0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05],
        [0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
         0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a],
    ]
}
