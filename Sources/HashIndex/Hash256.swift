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
    @inlinable
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var words = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        var index = 0
        for byte in bytes {
            switch index >> 3 {
            case 0: words.0 = words.0 << 8 | UInt64(byte)
            case 1: words.1 = words.1 << 8 | UInt64(byte)
            case 2: words.2 = words.2 << 8 | UInt64(byte)
            default: words.3 = words.3 << 8 | UInt64(byte)
            }
            index += 1
        }
        self.init(words.0, words.1, words.2, words.3)
    }

    /// Reads 64 hex digits (either case), most significant first; `nil` for anything else.
    /// No intermediate buffers: a hub parses millions of these at start-up.
    @inlinable
    public init?(hex: String) {
        var hex = hex
        let parsed: (UInt64, UInt64, UInt64, UInt64)?? = hex.withUTF8 { utf8 in
            guard utf8.count == 64 else { return nil }
            var words = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
            for index in 0..<64 {
                let c = utf8[index]
                let nibble: UInt8
                switch c {
                case 48...57: nibble = c &- 48
                case 97...102: nibble = c &- 87
                case 65...70: nibble = c &- 55
                default: return .some(nil)
                }
                switch index >> 4 {
                case 0: words.0 = words.0 << 4 | UInt64(nibble)
                case 1: words.1 = words.1 << 4 | UInt64(nibble)
                case 2: words.2 = words.2 << 4 | UInt64(nibble)
                default: words.3 = words.3 << 4 | UInt64(nibble)
                }
            }
            return .some(words)
        }
        guard let parsed, let words = parsed else { return nil }
        self.init(words.0, words.1, words.2, words.3)
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
