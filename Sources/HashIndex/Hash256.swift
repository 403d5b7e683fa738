/// A 256-bit hash as the index stores it: four words, most significant first (the order
/// of the 64-digit hex text). The index knows nothing of PDQ; `PDQHash.words` converts.
public struct Hash256: Hashable, Sendable {
    public var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    @inlinable
    public init(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    /// Reads 32 bytes, most significant first.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var words: [UInt64] = [0, 0, 0, 0]
        for (index, byte) in bytes.enumerated() {
            words[index / 8] = words[index / 8] << 8 | UInt64(byte)
        }
        self.init(words[0], words[1], words[2], words[3])
    }

    /// The Hamming distance.
    @inlinable @inline(__always)
    public func distance(to other: Hash256) -> Int {
        (w0 ^ other.w0).nonzeroBitCount &+ (w1 ^ other.w1).nonzeroBitCount
            &+ (w2 ^ other.w2).nonzeroBitCount &+ (w3 ^ other.w3).nonzeroBitCount
    }

    /// `count` bits starting at bit `start`, counting from the most significant bit.
    @inlinable @inline(__always)
    func bits(from start: Int, count: Int) -> UInt64 {
        let word = start >> 6, offset = start & 63
        let words = (w0, w1, w2, w3)
        func at(_ i: Int) -> UInt64 {
            switch i {
            case 0: words.0
            case 1: words.1
            case 2: words.2
            default: words.3
            }
        }
        let high = at(word) << UInt64(offset)
        let spill = offset + count > 64 ? at(word + 1) >> UInt64(64 - offset) : 0
        return (high | spill) >> UInt64(64 - count)
    }
}

/// One match: the id stored with a hash and its distance from the query.
public struct HashMatch: Hashable, Sendable, Comparable {
    public var id: UInt64
    public var distance: Int

    public init(id: UInt64, distance: Int) {
        self.id = id
        self.distance = distance
    }

    /// Nearest first, then by id, so results are deterministic.
    public static func < (lhs: HashMatch, rhs: HashMatch) -> Bool {
        (lhs.distance, lhs.id) < (rhs.distance, rhs.id)
    }
}
