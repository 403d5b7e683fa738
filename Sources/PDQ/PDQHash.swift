/// A 256-bit PDQ perceptual hash.
///
/// Bit `k` (value 2^k of the 256-bit number) is set when DCT coefficient
/// `(row k / 16, column k % 16)` exceeds the median coefficient. The text form is the
/// reference's: 64 lowercase hex digits, most significant first, and the raw form is the
/// 32 bytes of that hex text, in the same order.
///
/// The four words are stored most significant first, so `words[0]` is the first 16 hex
/// digits; Hamming distance does not depend on the order, only on using one.
public struct PDQHash: Hashable, Sendable, Comparable {
    /// The 256 bits, most significant word first.
    public var words: (UInt64, UInt64, UInt64, UInt64)

    /// The number of bits in a PDQ hash.
    public static let bitCount = 256

    /// Two hashes at most this far apart are, by the reference's convention, the same picture.
    public static let defaultMatchThreshold = 31

    /// The all-zero hash: what the reference produces for images too small to hash.
    public static let zero = PDQHash(words: (0, 0, 0, 0))

    public init(words: (UInt64, UInt64, UInt64, UInt64)) {
        self.words = words
    }

    /// Reads 64 hex digits (upper or lower case). Returns `nil` for anything else.
    public init?(hex: some StringProtocol) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var parsed: [UInt64] = [0, 0, 0, 0]
        for (index, character) in utf8.enumerated() {
            guard let nibble = Self.nibble(character) else { return nil }
            parsed[index / 16] = parsed[index / 16] << 4 | UInt64(nibble)
        }
        self.words = (parsed[0], parsed[1], parsed[2], parsed[3])
    }

    /// Reads the 32-byte raw form (the bytes of the hex text, in order).
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var parsed: [UInt64] = [0, 0, 0, 0]
        for (index, byte) in bytes.enumerated() {
            parsed[index / 8] = parsed[index / 8] << 8 | UInt64(byte)
        }
        self.words = (parsed[0], parsed[1], parsed[2], parsed[3])
    }

    /// The 64-digit lowercase hex text.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for word in [words.0, words.1, words.2, words.3] {
            for shift in stride(from: 60, through: 0, by: -4) {
                out.append(digits[Int((word >> UInt64(shift)) & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The 32-byte raw form.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        for word in [words.0, words.1, words.2, words.3] {
            for shift in stride(from: 56, through: 0, by: -8) {
                out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return out
    }

    /// Whether bit `k` (value 2^k) is set.
    public func bit(_ k: Int) -> Bool {
        precondition((0..<256).contains(k), "PDQ bit index \(k) is outside 0..<256")
        let word = [words.3, words.2, words.1, words.0][k / 64]
        return word >> UInt64(k % 64) & 1 == 1
    }

    /// Sets bit `k` (value 2^k).
    public mutating func setBit(_ k: Int) {
        precondition((0..<256).contains(k), "PDQ bit index \(k) is outside 0..<256")
        let mask = UInt64(1) << UInt64(k % 64)
        switch k / 64 {
        case 0: words.3 |= mask
        case 1: words.2 |= mask
        case 2: words.1 |= mask
        default: words.0 |= mask
        }
    }

    /// The number of set bits.
    public var nonzeroBitCount: Int {
        words.0.nonzeroBitCount + words.1.nonzeroBitCount + words.2.nonzeroBitCount
            + words.3.nonzeroBitCount
    }

    /// The Hamming distance: how many of the 256 bits differ.
    @inlinable
    public func distance(to other: PDQHash) -> Int {
        (words.0 ^ other.words.0).nonzeroBitCount + (words.1 ^ other.words.1).nonzeroBitCount
            + (words.2 ^ other.words.2).nonzeroBitCount + (words.3 ^ other.words.3).nonzeroBitCount
    }

    public static func == (lhs: PDQHash, rhs: PDQHash) -> Bool {
        lhs.words == rhs.words
    }

    public static func < (lhs: PDQHash, rhs: PDQHash) -> Bool {
        (lhs.words.0, lhs.words.1, lhs.words.2, lhs.words.3)
            < (rhs.words.0, rhs.words.1, rhs.words.2, rhs.words.3)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension PDQHash: CustomStringConvertible {
    public var description: String { hex }
}

extension PDQHash: Codable {
    /// Encoded as its hex text, the form every PDQ tool exchanges.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let hash = PDQHash(hex: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "a PDQ hash is 64 hex digits; got \(text.count) characters")
        }
        self = hash
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
