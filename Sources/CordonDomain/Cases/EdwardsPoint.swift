/// A point of Ed25519's twisted Edwards curve, −x² + y² = 1 + d·x²·y² over p = 2^255 − 19, in
/// extended coordinates (X : Y : Z : T), with x = X/Z, y = Y/Z, x·y = T/Z.
///
/// Only what checking a public key needs: decoding (RFC 8032 §5.1.3), addition and
/// multiplication by a public scalar. Nothing here is secret, so nothing is constant-time,
/// and none of it is on a hot path (a key is checked when it is registered and when it signs
/// an order).
struct EdwardsPoint {
    var x: FieldElement, y: FieldElement, z: FieldElement, t: FieldElement

    static let identity = EdwardsPoint(x: .zero, y: .one, z: .one, t: .zero)

    /// d = −121665 / 121666.
    static let d = (FieldElement.zero - FieldElement(121_665)) * FieldElement(121_666).inverse
    static let twoD = d + d
    /// A square root of −1: 2^((p − 1) / 4).
    static let rootOfMinusOne = FieldElement(2).power(FieldElement.exponent(top: 0x1f, low: 0xfb))

    /// The group's prime order L = 2^252 + 27742317777372353535851937790883648493, little-endian.
    static let primeOrder: [UInt8] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ]

    /// Decodes a 32-byte encoding whose y (bit 255 cleared) is already known to be below p;
    /// nil if no point has that y, or if it asks for the negative of x = 0.
    init?(encoding: [UInt8]) {
        let y = FieldElement(littleEndian: encoding)
        let xIsOdd = encoding[31] >> 7 == 1
        let y2 = y * y
        let u = y2 - .one, v = Self.d * y2 + .one
        // x = u·v³·(u·v⁷)^((p − 5) / 8), then corrected by √−1 if it squares to −u/v.
        let v3 = v * v * v
        var x = u * v3 * (u * v3 * v3 * v).power(FieldElement.exponent(top: 0x0f, low: 0xfd))
        let vx2 = v * x * x
        if vx2 != u {
            guard vx2 == .zero - u else { return nil }
            x = x * Self.rootOfMinusOne
        }
        if x == .zero && xIsOdd { return nil }
        if x.isOdd != xIsOdd { x = .zero - x }
        self.init(x: x, y: y, z: .one, t: x * y)
    }

    init(x: FieldElement, y: FieldElement, z: FieldElement, t: FieldElement) {
        self.x = x
        self.y = y
        self.z = z
        self.t = t
    }

    var isIdentity: Bool { x == .zero && y == z }

    /// The 32-byte encoding: y, with x's parity in bit 255.
    var encoding: [UInt8] {
        let inverse = z.inverse
        var bytes = (y * inverse).bytes
        if (x * inverse).isOdd { bytes[31] |= 0x80 }
        return bytes
    }

    /// The sum (RFC 8032 §5.1.4); complete, so it doubles as well.
    static func + (p: EdwardsPoint, q: EdwardsPoint) -> EdwardsPoint {
        let a = (p.y - p.x) * (q.y - q.x), b = (p.y + p.x) * (q.y + q.x)
        let c = p.t * twoD * q.t, d = p.z * q.z + p.z * q.z
        let e = b - a, f = d - c, g = d + c, h = b + a
        return EdwardsPoint(x: e * f, y: g * h, z: f * g, t: e * h)
    }

    /// [k]P for a little-endian scalar k.
    func times(_ scalar: [UInt8]) -> EdwardsPoint {
        var result = EdwardsPoint.identity
        for bit in (0..<scalar.count * 8).reversed() {
            result = result + result
            if scalar[bit / 8] >> (bit % 8) & 1 == 1 { result = result + self }
        }
        return result
    }
}
