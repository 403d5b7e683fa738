/// An integer modulo p = 2^255 − 19 in five limbs of 51 bits.
struct FieldElement: Equatable {
    private var limbs: [UInt64]
    private static let mask: UInt64 = (1 << 51) - 1

    static let zero = FieldElement(0), one = FieldElement(1)

    init(_ small: UInt64) { limbs = [small, 0, 0, 0, 0] }

    /// The low 255 bits of 32 little-endian bytes.
    init(littleEndian bytes: [UInt8]) {
        var words = [UInt64](repeating: 0, count: 4)
        for index in 0..<32 { words[index / 8] |= UInt64(bytes[index]) << (8 * UInt64(index % 8)) }
        limbs = [
            words[0] & Self.mask,
            (words[0] >> 51 | words[1] << 13) & Self.mask,
            (words[1] >> 38 | words[2] << 26) & Self.mask,
            (words[2] >> 25 | words[3] << 39) & Self.mask,
            (words[3] >> 12) & Self.mask,
        ]
    }

    private init(limbs: [UInt64]) {
        self.limbs = limbs
        carry()
    }

    /// The exponent 2^(8·31) · `top` + (2^(8·31) − 256) + `low`: the little-endian bytes
    /// low, ff × 30, top (p − 2, (p − 5) / 8 and (p − 1) / 4 all have that shape).
    static func exponent(top: UInt8, low: UInt8) -> [UInt8] { [low] + [UInt8](repeating: 0xff, count: 30) + [top] }

    /// Limbs back under 2^51 (the top limb's overflow folds back as 19 · 2^255 ≡ 19).
    private mutating func carry() {
        for _ in 0..<2 {
            for index in 0..<5 {
                let overflow = limbs[index] >> 51
                limbs[index] &= Self.mask
                if index < 4 { limbs[index + 1] += overflow } else { limbs[0] += 19 * overflow }
            }
        }
    }

    /// The canonical value (below p), little-endian.
    var bytes: [UInt8] {
        var h = limbs
        // h < 2^255 + small; h ≥ p exactly when h + 19 carries out of bit 255.
        var q = (h[0] + 19) >> 51
        for index in 1..<5 { q = (h[index] + q) >> 51 }
        h[0] += 19 * q
        for index in 0..<4 {
            h[index + 1] += h[index] >> 51
            h[index] &= Self.mask
        }
        h[4] &= Self.mask
        var out = [UInt8](repeating: 0, count: 32)
        var accumulator: UInt128 = 0, bits = 0, position = 0
        for limb in h {
            accumulator |= UInt128(limb) << bits
            bits += 51
            while bits >= 8 && position < 32 {
                out[position] = UInt8(truncatingIfNeeded: accumulator)
                accumulator >>= 8
                bits -= 8
                position += 1
            }
        }
        if position < 32 { out[position] = UInt8(truncatingIfNeeded: accumulator) }
        return out
    }

    var isOdd: Bool { bytes[0] & 1 == 1 }

    static func == (a: FieldElement, b: FieldElement) -> Bool { a.bytes == b.bytes }

    static func + (a: FieldElement, b: FieldElement) -> FieldElement {
        FieldElement(limbs: (0..<5).map { a.limbs[$0] + b.limbs[$0] })
    }

    /// a + 2p − b, so no limb goes below zero.
    static func - (a: FieldElement, b: FieldElement) -> FieldElement {
        let twoP: [UInt64] = [0xF_FFFF_FFFF_FFDA, 0xF_FFFF_FFFF_FFFE, 0xF_FFFF_FFFF_FFFE, 0xF_FFFF_FFFF_FFFE, 0xF_FFFF_FFFF_FFFE]
        return FieldElement(limbs: (0..<5).map { a.limbs[$0] + twoP[$0] - b.limbs[$0] })
    }

    static func * (a: FieldElement, b: FieldElement) -> FieldElement {
        var wide = [UInt128](repeating: 0, count: 5)
        for i in 0..<5 {
            for j in 0..<5 {
                let product = UInt128(a.limbs[i]) * UInt128(b.limbs[j])
                if i + j < 5 { wide[i + j] += product } else { wide[i + j - 5] += 19 * product }
            }
        }
        for index in 0..<4 {
            wide[index + 1] += wide[index] >> 51
            wide[index] &= UInt128(mask)
        }
        wide[0] += 19 * (wide[4] >> 51)
        wide[4] &= UInt128(mask)
        wide[1] += wide[0] >> 51
        wide[0] &= UInt128(mask)
        return FieldElement(limbs: wide.map { UInt64(truncatingIfNeeded: $0) })
    }

    /// self^exponent, the exponent little-endian.
    func power(_ exponent: [UInt8]) -> FieldElement {
        var result = FieldElement.one
        for bit in (0..<exponent.count * 8).reversed() {
            result = result * result
            if exponent[bit / 8] >> (bit % 8) & 1 == 1 { result = result * self }
        }
        return result
    }

    /// 1 / self, by Fermat: self^(p − 2).
    var inverse: FieldElement { power(Self.exponent(top: 0x7f, low: 0xeb)) }
}
