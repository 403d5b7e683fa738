/// How multi-index hashing splits the 256 bits into `m` contiguous substrings, one table
/// each. By the pigeonhole principle a hash within distance `r` of the query differs from
/// it in at most `⌊r / m⌋` bits of at least one substring, so probing every key within
/// `⌊r / m⌋` of the query's key in every table finds every match.
struct SubstringLayout: Sendable, Hashable {
    /// Bit offset (from the most significant bit) and length of each substring.
    let starts: [Int]
    let lengths: [Int]

    var count: Int { lengths.count }

    /// `m` substrings whose lengths differ by at most one bit.
    init(substrings m: Int) {
        precondition((1...256).contains(m))
        var starts: [Int] = [], lengths: [Int] = []
        var start = 0
        for t in 0..<m {
            let length = 256 / m + (t < 256 % m ? 1 : 0)
            starts.append(start)
            lengths.append(length)
            start += length
        }
        self.starts = starts
        self.lengths = lengths
    }

    /// The number of keys within `radius` bits of a `length`-bit key.
    static func ballSize(length: Int, radius: Int) -> Double {
        var total = 0.0, term = 1.0
        for k in 0...min(radius, length) {
            if k > 0 { term = term * Double(length - k + 1) / Double(k) }
            total += term
        }
        return total
    }

    /// Estimated cost of one search at `radius` over `n` hashes, in units of one random
    /// memory access: a probe per key in each table's ball, a check per candidate found.
    func estimatedCost(n: Int, radius: Int) -> Double {
        let perTable = radius / count
        var cost = 0.0
        for length in lengths {
            let probes = Self.ballSize(length: length, radius: perTable)
            cost += probes * (1 + Double(n) / Double(1 << length))
        }
        return cost
    }

    /// What a brute-force scan over `n` contiguous hashes costs in the same units: a
    /// sequential comparison is about 1/16 of a random access.
    static func bruteForceCost(n: Int) -> Double { Double(n) / 16 }

    /// The layout with the lowest estimated cost at `radius` for `n` hashes, among those
    /// whose tables have at most about 2n keys (and 2^24), or `nil` if a scan is cheaper.
    static func best(n: Int, radius: Int) -> SubstringLayout? {
        guard n >= 4096 else { return nil }
        let maxLength = min(24, Int.bitWidth - (n - 1).leadingZeroBitCount + 1)
        let candidates = (11...32).map(SubstringLayout.init(substrings:)).filter { $0.lengths.max()! <= maxLength }
        guard let best = candidates.min(by: { $0.estimatedCost(n: n, radius: radius) < $1.estimatedCost(n: n, radius: radius) })
        else { return nil }
        return best.estimatedCost(n: n, radius: radius) < bruteForceCost(n: n) ? best : nil
    }
}
