import CPrefetch
import Dispatch

/// An immutable set of (id, hash) entries with multi-index hashing tables over them.
///
/// Each table is a counting-sorted array of entry positions with a bucket-offset array
/// indexed by the substring's value (compressed sparse rows): a probe is two adjacent
/// reads, and a bucket's entries are contiguous. The full hashes live once, in entry
/// order; a candidate is verified against them with four popcounts.
///
/// Verifying a candidate is a random read of its hash, and at a million hashes those
/// reads were most of a search. So where memory allows (see ``defaultSketchBudget``), each table
/// also keeps, beside each entry, 128 of the hash's bits (a *sketch*): a candidate whose
/// sketch alone differs from the query's in more than the radius is dropped without
/// reading its hash. That is exact (the sketch's bits are among the hash's), and drops
/// nearly every non-match, whose sketches differ in about 64 bits.
final class MultiIndexTables: Sendable {
    let ids: [UInt64]
    let hashes: [Hash256]
    /// `nil` when the set is small enough that a scan beats any table.
    let layout: SubstringLayout?
    /// Per table: `2^length + 1` offsets into `entries`.
    let offsets: [[UInt32]]
    /// Per table: entry positions sorted by that table's key.
    let entries: [[UInt32]]
    /// Per table, in `entries` order: each entry's sketch; empty when over budget.
    let sketches: [[SIMD2<UInt64>]]

    /// The most sketch entries (hashes × tables) kept by default: 32M, 512 MiB. A million
    /// hashes in 16 tables take 256 MiB; at ten million they are left out, and memory
    /// stays within the index's goal.
    static let defaultSketchBudget = 32 << 20

    var count: Int { ids.count }

    /// Builds the tables for `hashes` (with `ids` alongside), sized for searches at
    /// `designRadius`, with sketches if `hashes × tables` is within `sketchBudget`.
    init(ids: [UInt64], hashes: [Hash256], designRadius: Int = 31, sketchBudget: Int = defaultSketchBudget) {
        precondition(ids.count == hashes.count, "one id per hash")
        precondition(hashes.count < Int(UInt32.max), "at most 2^32 - 1 hashes per index")
        self.ids = ids
        let layout = SubstringLayout.best(n: hashes.count, radius: designRadius)
        // The hashes are read at random only when there are tables to probe.
        self.hashes = layout == nil ? hashes : LargeArray.copy(hashes)
        self.layout = layout
        guard let layout else {
            offsets = []
            entries = []
            sketches = []
            return
        }
        let sketched = hashes.count * layout.count <= sketchBudget
        // The tables are independent: each is sorted on a core of its own (a million
        // hashes' tables took a second on one, and start-up waits for them).
        var tables = [Table](repeating: Table(), count: layout.count)
        hashes.withUnsafeBufferPointer { hashes in
            tables.withUnsafeMutableBufferPointer { tables in
                // Each worker reads the hashes and writes only its own table.
                nonisolated(unsafe) let (hashes, tables) = (hashes, tables)
                DispatchQueue.concurrentPerform(iterations: layout.count) { t in
                    let (offsets, entries) = Self.countingSort(hashes, start: layout.starts[t], length: layout.lengths[t])
                    var sketches: [SIMD2<UInt64>] = []
                    if sketched {
                        let words = Self.sketchWords(start: layout.starts[t])
                        sketches = entries.withUnsafeBufferPointer { entries in
                            LargeArray.make(count: entries.count) { Self.sketch(hashes[Int(entries[$0])], words) }
                        }
                    }
                    tables[t] = Table(offsets: offsets, entries: entries, sketches: sketches)
                }
            }
        }
        offsets = tables.map(\.offsets)
        entries = tables.map(\.entries)
        sketches = sketched ? tables.map(\.sketches) : []
    }

    /// One table while it is built.
    private struct Table {
        var offsets: [UInt32] = []
        var entries: [UInt32] = []
        var sketches: [SIMD2<UInt64>] = []
    }

    /// Which half of the hash a table's sketch holds: the half its own substring is not
    /// in, whose bits say more about a candidate (its substring is already near).
    private static func sketchWords(start: Int) -> Bool { start < 128 }

    /// The sketch of `hash`: its last 128 bits if `high` (see ``sketchWords(start:)``), else its first.
    @inline(__always)
    private static func sketch(_ hash: Hash256, _ high: Bool) -> SIMD2<UInt64> {
        high ? SIMD2(hash.w2, hash.w3) : SIMD2(hash.w0, hash.w1)
    }

    private static func countingSort(
        _ hashes: UnsafeBufferPointer<Hash256>, start: Int, length: Int
    ) -> ([UInt32], [UInt32]) {
        let buckets = 1 << length
        var offsets = LargeArray.make(count: buckets + 1, repeating: UInt32(0))
        var entries = LargeArray.make(count: hashes.count, repeating: UInt32(0))
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
        // The search runs in phases so that the CPU overlaps its cache misses instead of
        // stalling on each: all probe keys first (no memory touched), then every bucket's
        // bounds (independent loads, no data-dependent branches), then the bucket entries,
        // then the verifications.
        let probeCount = layout.lengths.reduce(0) { $0 + Int(SubstringLayout.ballSize(length: $1, radius: perTable)) }
        let probes = UnsafeMutablePointer<UInt32>.allocate(capacity: probeCount)  // table << 24 | key
        let bounds = UnsafeMutablePointer<UInt64>.allocate(capacity: probeCount)
        defer {
            probes.deallocate()
            bounds.deallocate()
        }
        var written = 0
        for t in 0..<layout.count {
            Self.forEachKey(near: queryKeys[t], length: layout.lengths[t], radius: perTable) { key in
                probes[written] = UInt32(t) << 24 | UInt32(key)
                written += 1
            }
        }
        var candidateCount = 0
        withTablePointers { offsets, entries in
            for i in 0..<probeCount {
                let bucket = offsets[Int(probes[i] >> 24)] + Int(probes[i] & 0xFF_FFFF)
                let (start, end) = (bucket[0], bucket[1])
                bounds[i] = UInt64(start) << 32 | UInt64(end)
                candidateCount &+= Int(end &- start)
            }
            let candidates = UnsafeMutablePointer<UInt32>.allocate(capacity: max(candidateCount, 1))
            let tables = UnsafeMutablePointer<UInt8>.allocate(capacity: max(candidateCount, 1))
            defer {
                candidates.deallocate()
                tables.deallocate()
            }
            var filled = 0
            if sketches.isEmpty {
                for i in 0..<probeCount {
                    let table = Int(probes[i] >> 24)
                    let column = entries[table]
                    var e = Int(bounds[i] >> 32)
                    let end = Int(bounds[i] & 0xFFFF_FFFF)
                    while e < end {
                        candidates[filled] = column[e]
                        tables[filled] = UInt8(table)
                        filled += 1
                        e += 1
                    }
                }
            } else {
                withSketchPointers { sketches in
                    let querySketches = layout.starts.map { Self.sketch(query, Self.sketchWords(start: $0)) }
                    // The buckets are scattered over hundreds of megabytes: while one is
                    // compared, the lines of one a few probes on are already on their way.
                    func prefetch(_ i: Int) {
                        let column = sketches[Int(probes[i] >> 24)]
                        var e = Int(bounds[i] >> 32)
                        let end = Int(bounds[i] & 0xFFFF_FFFF)
                        guard e < end else { return }
                        while e < end {  // four sketches per 64-byte line
                            cordon_prefetch(column + e)
                            e += 4
                        }
                        cordon_prefetch(column + end - 1)
                    }
                    let ahead = 16
                    for i in 0..<min(ahead, probeCount) { prefetch(i) }
                    for i in 0..<probeCount {
                        if i + ahead < probeCount { prefetch(i + ahead) }
                        let table = Int(probes[i] >> 24)
                        let column = entries[table], sketchColumn = sketches[table]
                        let wanted = querySketches[table]
                        var e = Int(bounds[i] >> 32)
                        let end = Int(bounds[i] & 0xFFFF_FFFF)
                        while e < end {
                            let difference = sketchColumn[e] ^ wanted
                            if difference.x.nonzeroBitCount + difference.y.nonzeroBitCount <= radius {
                                candidates[filled] = column[e]
                                tables[filled] = UInt8(table)
                                filled += 1
                            }
                            e += 1
                        }
                    }
                }
            }
            hashes.withUnsafeBufferPointer { hashes in
                let base = hashes.baseAddress!
                for c in 0..<filled {
                    let position = Int(candidates[c])
                    let distance = base[position].distance(to: query)
                    if distance <= radius
                        && !Self.foundInEarlierTable(base[position], before: Int(tables[c]), layout, queryKeys, perTable)
                    {
                        found(position, distance)
                    }
                }
            }
        }
    }

    /// Calls `body` with base pointers of every table's offsets and entries.
    private func withTablePointers(
        _ body: (UnsafeBufferPointer<UnsafePointer<UInt32>>, UnsafeBufferPointer<UnsafePointer<UInt32>>) -> Void
    ) {
        Self.withBasePointers(offsets) { offsets in
            Self.withBasePointers(entries) { entries in body(offsets, entries) }
        }
    }

    /// Calls `body` with base pointers of every table's sketches.
    private func withSketchPointers(_ body: (UnsafeBufferPointer<UnsafePointer<SIMD2<UInt64>>>) -> Void) {
        Self.withBasePointers(sketches, body)
    }

    /// Calls `body` with the base address of each array, valid during the call, without
    /// allocating (a search makes this call for every table; it once cost a search ~50
    /// allocations). Each array is empty or non-empty throughout; an empty one's address is
    /// never read.
    private static func withBasePointers<T>(_ arrays: [[T]], _ body: (UnsafeBufferPointer<UnsafePointer<T>>) -> Void) {
        withUnsafeTemporaryAllocation(of: UnsafePointer<T>.self, capacity: arrays.count) { pointers in
            func pin(_ index: Int) {
                guard index < arrays.count else { return body(UnsafeBufferPointer(pointers)) }
                arrays[index].withUnsafeBufferPointer { buffer in
                    let unused = UnsafePointer<T>(bitPattern: MemoryLayout<T>.alignment)!
                    pointers.initializeElement(at: index, to: buffer.baseAddress ?? unused)
                    pin(index + 1)
                }
            }
            pin(0)
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
        // Flip positions chosen in increasing order, as an odometer of `depth` digits (on
        // the stack: every search enumerates every table's keys).
        withUnsafeTemporaryAllocation(of: Int.self, capacity: radius) { positions in
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
