import Foundation

/// An issuer's Ed25519 public key, accepted only if a signature under it proves something.
///
/// The verifier (BoringSSL's, through swift-crypto) is cofactorless and takes any 32 bytes.
/// Under a key of small order — the identity, or one of the seven other points of order
/// 2, 4 or 8 — a forged signature (R = the identity, S = 0) verifies for a fixed share of
/// all messages (for the identity, every message), so an authority holding such a key
/// could deny any order it signed. A key with a small-order component (a real key plus a
/// point of order 2, 4 or 8) is refused too: verifiers that check signatures with or without
/// the cofactor disagree on some signatures under it, so a signer could make one that the
/// hub accepts and an auditor's tool refuses. Non-canonical encodings (y ≥ p) and bytes that
/// are no point at all are refused as well: two encodings of one key would give one order
/// two identities.
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
        guard let point = EdwardsPoint(encoding: raw) else {
            throw .invalid(field, "\(field) is not a point of Ed25519's curve, so no signature can be checked against it; export the public key again (32 raw bytes, RFC 8032)")
        }
        guard !point.times([8]).isIdentity else {
            throw .invalid(field, "\(field) is a point of small order: signatures under it can be forged, so it proves nothing; generate a new key pair")
        }
        guard point.times(EdwardsPoint.primeOrder).isIdentity else {
            throw .invalid(field, "\(field) has a component of small order (it is not in the prime-order subgroup a real key pair gives): verifiers that differ in how they treat it could disagree on a signature; generate a new key pair")
        }
        self.raw = raw
    }

    /// Whether the little-endian 255-bit `y` is below p = 2^255 - 19.
    static func isCanonical(_ y: [UInt8]) -> Bool {
        // p is ed ff ff ... ff 7f in little-endian; y >= p only if y's top 31 bytes are p's.
        guard y[31] == 0x7f, y[1..<31].allSatisfy({ $0 == 0xff }) else { return true }
        return y[0] < 0xed
    }
}
