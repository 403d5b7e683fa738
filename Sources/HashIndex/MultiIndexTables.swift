/// An immutable set of (id, hash) entries with multi-index hashing tables over them.
///
/// Each table is a counting-sorted array of entry positions with a bucket-offset array
/// indexed by the substring's value (compressed sparse rows): a probe is two adjacent
/// reads, and a bucket's entries are contiguous. The full hashes live once, in entry
/// order; a candidate is verified against them with four popcounts.
final class MultiIndexTables: Sendable {
    let ids: [UInt64]
    let hashes: [Hash256]
    /// `nil` when the set is small enough that a scan beats any table.
    let layout: SubstringLayout?
    /// Per table: `2^length + 1` offsets into `entries`.
    let offsets: [[UInt32]]
    /// Per table: entry positions sorted by that table's key.
    let entries: [[UInt32]]

    var count: Int { ids.count }

    /// Builds the tables for `hashes` (with `ids` alongside), sized for searches at
    /// `designRadius`.
    init(ids: [UInt64], hashes: [Hash256], designRadius: Int = 31) {
        precondition(ids.count == hashes.count, "one id per hash")
        precondition(hashes.count < Int(UInt32.max), "at most 2^32 - 1 hashes per index")
        self.ids = ids
        self.hashes = hashes
        let layout = SubstringLayout.best(n: hashes.count, radius: designRadius)
        self.layout = layout
        guard let layout else {
            offsets = []
            entries = []
            return
        }
        var allOffsets: [[UInt32]] = [], allEntries: [[UInt32]] = []
        hashes.withUnsafeBufferPointer { hashes in
            for t in 0..<layout.count {
                let (offsets, entries) = Self.countingSort(
                    hashes, start: layout.starts[t], length: layout.lengths[t])
                allOffsets.append(offsets)
                allEntries.append(entries)
            }
        }
        offsets = allOffsets
        entries = allEntries
    }

    private static func countingSort(
        _ hashes: UnsafeBufferPointer<Hash256>, start: Int, length: Int
    ) -> ([UInt32], [UInt32]) {
        let buckets = 1 << length
        var offsets = [UInt32](repeating: 0, count: buckets + 1)
        var entries = [UInt32](repeating: 0, count: hashes.count)
        offsets.withUnsafeMutableBufferPointer { offsets in
            for hash in hashes {
                offsets[Int(hash.bits(from: start, count: length)) + 1] += 1
            }
            for k in 0..<buckets {
                offsets[k + 1] += offsets[k]
            }
            // Fill using a cursor per bucket, then restore the starts.
            entries.withUnsafeMutableBufferPointer { entries in
                for (position, hash) in hashes.enumerated() {
                    let key = Int(hash.bits(from: start, count: length))
                    entries[Int(offsets[key])] = UInt32(position)
                    offsets[key] += 1
                }
            }
            for k in stride(from: buckets, to: 0, by: -1) {
                offsets[k] = offsets[k - 1]
            }
            offsets[0] = 0
        }
        return (offsets, entries)
    }

    /// Calls `found(position, distance)` once for every entry within `radius` of `query`.
    func search(_ query: Hash256, radius: Int, _ found: (Int, Int) -> Void) {
        guard let layout, radius < 256,
              layout.estimatedCost(n: count, radius: radius) < SubstringLayout.bruteForceCost(n: count)
        else {
            scan(query, radius: radius, found)
            return
        }
        let perTable = radius / layout.count
        let queryKeys = (0..<layout.count).map { query.bits(from: layout.starts[$0], count: layout.lengths[$0]) }
        // First gather every candidate (table, position) from the probed buckets, then
        // verify them in one tight loop: the verifications are independent, so the CPU
        // overlaps their cache misses instead of waiting on each bucket's offsets in turn.
        var candidates: [UInt64] = []
        candidates.reserveCapacity(4096)
        for t in 0..<layout.count {
            offsets[t].withUnsafeBufferPointer { offsets in
                entries[t].withUnsafeBufferPointer { entries in
                    Self.forEachKey(near: queryKeys[t], length: layout.lengths[t], radius: perTable) { key in
                        var e = Int(offsets[key])
                        let end = Int(offsets[key + 1])
                        while e < end {
                            candidates.append(UInt64(t) << 32 | UInt64(entries[e]))
                            e += 1
                        }
                    }
                }
            }
        }
        hashes.withUnsafeBufferPointer { hashes in
            candidates.withUnsafeBufferPointer { candidates in
                for candidate in candidates {
                    let position = Int(truncatingIfNeeded: candidate & 0xFFFF_FFFF)
                    let distance = hashes[position].distance(to: query)
                    if distance <= radius
                        && !Self.foundInEarlierTable(hashes[position], before: Int(candidate >> 32), layout, queryKeys, perTable)
                    {
                        found(position, distance)
                    }
                }
            }
        }
    }

    /// Whether table `t' < t` also holds this entry within the probe radius: then that
    /// table reported it, and this one must not report it again.
    @inline(__always)
    private static func foundInEarlierTable(
        _ hash: Hash256, before t: Int, _ layout: SubstringLayout, _ queryKeys: [UInt64], _ perTable: Int
    ) -> Bool {
        var earlier = 0
        while earlier < t {
            let key = hash.bits(from: layout.starts[earlier], count: layout.lengths[earlier])
            if (key ^ queryKeys[earlier]).nonzeroBitCount <= perTable { return true }
            earlier += 1
        }
        return false
    }

    /// Every `length`-bit key within `radius` bits of `key`, the key itself first.
    @inline(__always)
    static func forEachKey(near key: UInt64, length: Int, radius: Int, _ body: (Int) -> Void) {
        body(Int(key))
        guard radius > 0 else { return }
        // Flip positions chosen in increasing order, as an odometer of `depth` digits.
        var positions = [Int](repeating: 0, count: radius)
        for depth in 1...min(radius, length) {
            for i in 0..<depth { positions[i] = i }
            while true {
                var flipped = key
                for i in 0..<depth { flipped ^= 1 << UInt64(positions[i]) }
                body(Int(flipped))
                // Advance: the rightmost position that can still move right.
                var i = depth - 1
                while i >= 0 && positions[i] == length - depth + i { i -= 1 }
                if i < 0 { break }
                positions[i] += 1
                for j in (i + 1)..<depth { positions[j] = positions[j - 1] + 1 }
            }
        }
    }

    /// The brute-force fallback: every entry compared, in storage order.
    func scan(_ query: Hash256, radius: Int, _ found: (Int, Int) -> Void) {
        hashes.withUnsafeBufferPointer { hashes in
            for position in 0..<hashes.count {
                let distance = hashes[position].distance(to: query)
                if distance <= radius { found(position, distance) }
            }
        }
    }
}
