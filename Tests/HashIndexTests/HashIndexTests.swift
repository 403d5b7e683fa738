import Foundation
import CordonTestSupport
import Testing

@testable import HashIndex

extension Hash256 {
    static func random(using rng: inout SplitMix) -> Hash256 {
        Hash256(rng.next(), rng.next(), rng.next(), rng.next())
    }

    /// This hash with exactly `count` distinct bits flipped.
    func flipping(_ count: Int, using rng: inout SplitMix) -> Hash256 {
        var words = [w0, w1, w2, w3]
        for bit in (0..<256).shuffled(using: &rng).prefix(count) {
            words[bit / 64] ^= 1 << UInt64(bit % 64)
        }
        return Hash256(words[0], words[1], words[2], words[3])
    }
}

/// The oracle: compare with everything.
func bruteForce(_ ids: [UInt64], _ hashes: [Hash256], _ query: Hash256, _ radius: Int) -> [HashMatch] {
    zip(ids, hashes).compactMap { id, hash in
        let d = hash.distance(to: query)
        return d <= radius ? HashMatch(id: id, distance: d) : nil
    }.sorted()
}

/// Random bases with near-duplicate variants, as real hash lists hold.
func clustered(count: Int, using rng: inout SplitMix) -> [Hash256] {
    var hashes: [Hash256] = []
    while hashes.count < count {
        let base = Hash256.random(using: &rng)
        hashes.append(base)
        for _ in 0..<Int.random(in: 0...6, using: &rng) where hashes.count < count {
            hashes.append(base.flipping(Int.random(in: 5...40, using: &rng), using: &rng))
        }
    }
    return hashes
}

@Suite struct HashIndexTests {
    @Test func layoutChoosesTablesForLargeSetsAndScansSmallOnes() throws {
        #expect(SubstringLayout.best(n: 1000, radius: 31) == nil)
        let large = try #require(SubstringLayout.best(n: 10_000_000, radius: 31))
        #expect(large.lengths.reduce(0, +) == 256)
        #expect(large.count >= 10 && large.count <= 16)
        #expect(SubstringLayout.best(n: 10_000_000, radius: 200) == nil)
    }

    @Test func keyEnumerationVisitsEachNeighbourOnce() {
        for radius in 0...3 {
            var seen: [Int] = []
            MultiIndexTables.forEachKey(near: 0b1011, length: 10, radius: radius) { seen.append($0) }
            let expected = (0..<1024).filter { ($0 ^ 0b1011).nonzeroBitCount <= radius }
            #expect(seen.sorted() == expected)
        }
    }

    @Test(arguments: [0, 1, 31, 32, 64])
    func exactOnRandomData(radius: Int) {
        var rng = SplitMix(seed: UInt64(radius) + 1)
        let hashes = (0..<40_000).map { _ in Hash256.random(using: &rng) }
        let ids = (0..<UInt64(hashes.count)).map { $0 * 7 + 3 }
        let index = HashIndex(ids: ids, hashes: hashes)
        #expect(index.usesTables)
        for q in 0..<100 {
            // Half near a stored hash, half random.
            let query = q.isMultiple(of: 2)
                ? hashes[Int.random(in: 0..<hashes.count, using: &rng)].flipping(Int.random(in: 0...radius, using: &rng), using: &rng)
                : Hash256.random(using: &rng)
            #expect(index.search(query, maxDistance: radius) == bruteForce(ids, hashes, query, radius))
        }
    }

    @Test func exactOnClusteredNearDuplicates() {
        var rng = SplitMix(seed: 99)
        let hashes = clustered(count: 80_000, using: &rng)
        let ids = (0..<UInt64(hashes.count)).map { $0 }
        let index = HashIndex(ids: ids, hashes: hashes)
        #expect(index.usesTables)
        var found = 0
        for _ in 0..<200 {
            let query = hashes[Int.random(in: 0..<hashes.count, using: &rng)].flipping(Int.random(in: 0...31, using: &rng), using: &rng)
            let expected = bruteForce(ids, hashes, query, 31)
            #expect(index.search(query, maxDistance: 31) == expected)
            found += expected.count
        }
        #expect(found >= 200)
    }

    /// Tables with sketches (a million hashes' layout) and without (ten million's) find
    /// exactly the same entries: the sketch only drops candidates that cannot match.
    @Test(arguments: [0, 15, 31, 40, 64])
    func sketchesDropOnlyNonMatches(_ radius: Int) {
        var rng = SplitMix(seed: 7)
        let hashes = clustered(count: 40_000, using: &rng)
        let ids = (0..<UInt64(hashes.count)).map { $0 * 3 }
        let sketched = MultiIndexTables(ids: ids, hashes: hashes)
        let plain = MultiIndexTables(ids: ids, hashes: hashes, sketchBudget: 0)
        #expect(!sketched.sketches.isEmpty && plain.sketches.isEmpty)
        for _ in 0..<100 {
            let query = hashes[Int.random(in: 0..<hashes.count, using: &rng)].flipping(Int.random(in: 0...radius, using: &rng), using: &rng)
            var withSketches: [Int] = [], without: [Int] = []
            sketched.search(query, radius: radius) { position, _ in withSketches.append(position) }
            plain.search(query, radius: radius) { position, _ in without.append(position) }
            let expected = bruteForce(ids, hashes, query, radius).map { Int($0.id / 3) }
            #expect(withSketches.sorted() == expected.sorted())
            #expect(without.sorted() == expected.sorted())
        }
    }

    @Test(arguments: [0, 31, 32, 128, 256])
    func exactOnAdversarialData(radius: Int) {
        var rng = SplitMix(seed: 5)
        let zero = Hash256(0, 0, 0, 0), ones = Hash256(.max, .max, .max, .max)
        // Many identical hashes pile into one bucket of every table.
        var hashes = [Hash256](repeating: zero, count: 3000) + [Hash256](repeating: ones, count: 3000)
        hashes += (0..<6000).map { _ in zero.flipping(Int.random(in: 0...40, using: &rng), using: &rng) }
        let ids = (0..<UInt64(hashes.count)).map { $0 }
        let index = HashIndex(ids: ids, hashes: hashes)
        for query in [zero, ones, zero.flipping(16, using: &rng), ones.flipping(31, using: &rng), Hash256.random(using: &rng)] {
            #expect(index.search(query, maxDistance: radius) == bruteForce(ids, hashes, query, radius))
        }
    }

    @Test func negativeRadiusFindsNothing() {
        let index = HashIndex(ids: [1], hashes: [Hash256(1, 2, 3, 4)])
        #expect(index.search(Hash256(1, 2, 3, 4), maxDistance: -1).isEmpty)
        #expect(index.search(Hash256(1, 2, 3, 4), maxDistance: 0) == [HashMatch(id: 1, distance: 0)])
    }

    @Test func insertRemoveAndCompactStayExact() {
        var rng = SplitMix(seed: 11)
        var hashes = clustered(count: 20_000, using: &rng)
        var ids = (0..<UInt64(hashes.count)).map { $0 }
        let index = HashIndex(ids: ids, hashes: hashes)
        // Insert near-duplicates of stored hashes, remove a few hundred ids.
        for i in 0..<500 {
            let hash = hashes[i * 13].flipping(8, using: &rng)
            index.insert(hash, id: 100_000 + UInt64(i))
            hashes.append(hash)
            ids.append(100_000 + UInt64(i))
        }
        let removed = Set((0..<300).map { UInt64($0 * 41) } + [100_007])
        index.remove(ids: removed)
        let keep = ids.indices.filter { !removed.contains(ids[$0]) }
        let liveIDs = keep.map { ids[$0] }, liveHashes = keep.map { hashes[$0] }
        func check() {
            for q in 0..<120 {
                let query = hashes[q * 37 % hashes.count].flipping(Int.random(in: 0...20, using: &rng), using: &rng)
                #expect(index.search(query, maxDistance: 31) == bruteForce(liveIDs, liveHashes, query, 31))
            }
        }
        #expect(index.pendingChanges == 500 + removed.count)
        check()
        index.compact()
        #expect(index.pendingChanges == 0)
        #expect(index.storedEntries == liveIDs.count)
        check()
        // A removed id inserted again is live again; the old entry stays dead.
        let again = Hash256.random(using: &rng)
        index.insert(again, id: 41)
        #expect(index.search(again, maxDistance: 0) == [HashMatch(id: 41, distance: 0)])
        #expect(index.search(hashes[41], maxDistance: 0).isEmpty)
    }

    @Test func searchesDuringWritesSeeConsistentSnapshots() async {
        var rng = SplitMix(seed: 21)
        let base = (0..<30_000).map { _ in Hash256.random(using: &rng) }
        let index = HashIndex(ids: (0..<UInt64(base.count)).map { $0 }, hashes: base)
        let target = base[123]
        // Variants of one hash arrive in pairs: a search sees both or neither.
        let variants = (0..<400).map { _ in target.flipping(10, using: &rng) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for pair in stride(from: 0, to: variants.count, by: 2) {
                    index.insert(contentsOf: [(UInt64(1_000_000 + pair), variants[pair]),
                                              (UInt64(1_000_001 + pair), variants[pair + 1])])
                    if pair == 200 { index.compact() }
                }
            }
            for _ in 0..<3 {
                group.addTask {
                    var last = 0
                    for _ in 0..<300 {
                        let matches = index.search(target, maxDistance: 31)
                        #expect(matches.count % 2 == 1, "the stored hash plus whole pairs")
                        #expect(matches.count >= last, "nothing disappears")
                        last = matches.count
                    }
                }
            }
        }
        #expect(index.search(target, maxDistance: 31).count == 401)
    }

    @Test func batchSearchEqualsOneByOne() async {
        var rng = SplitMix(seed: 31)
        let hashes = clustered(count: 30_000, using: &rng)
        let index = HashIndex(ids: (0..<UInt64(hashes.count)).map { $0 }, hashes: hashes)
        let queries = (0..<300).map { hashes[$0 * 97].flipping($0 % 32, using: &rng) }
        let batch = await index.search(batch: queries, maxDistance: 31, concurrency: 4)
        #expect(batch == queries.map { index.search($0, maxDistance: 31) })
    }

    @Test func snapshotRoundTrips() throws {
        var rng = SplitMix(seed: 41)
        let hashes = clustered(count: 10_000, using: &rng)
        let index = HashIndex(ids: (0..<UInt64(hashes.count)).map { $0 + 5 }, hashes: hashes)
        index.insert(Hash256(1, 2, 3, 4), id: 77)
        index.remove(id: 5)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("index-\(UUID()).cdx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try index.writeSnapshot(to: path)
        let loaded = try HashIndex.loadSnapshot(from: path)
        #expect(loaded.storedEntries == hashes.count)
        for q in stride(from: 0, to: hashes.count, by: 250) {
            #expect(loaded.search(hashes[q], maxDistance: 31) == index.search(hashes[q], maxDistance: 31))
        }
        #expect(loaded.search(Hash256(1, 2, 3, 4), maxDistance: 0) == [HashMatch(id: 77, distance: 0)])
    }

    @Test func damagedSnapshotsAreRefusedWithAReason() throws {
        let folder = FileManager.default.temporaryDirectory
        let bad = folder.appendingPathComponent("bad-\(UUID()).cdx").path
        defer { try? FileManager.default.removeItem(atPath: bad) }
        try Data("not an index".utf8).write(to: URL(fileURLWithPath: bad))
        #expect(throws: HashIndexFileError.self) { try HashIndex.loadSnapshot(from: bad) }
        let index = HashIndex(ids: [1, 2], hashes: [Hash256(1, 1, 1, 1), Hash256(2, 2, 2, 2)])
        try index.writeSnapshot(to: bad)
        let data = try Data(contentsOf: URL(fileURLWithPath: bad))
        try data.prefix(data.count - 10).write(to: URL(fileURLWithPath: bad))
        do {
            _ = try HashIndex.loadSnapshot(from: bad)
            Issue.record("a truncated snapshot loaded")
        } catch {
            #expect(error.reason.contains("truncated"))
        }
        #expect(throws: HashIndexFileError.self) { try HashIndex.loadSnapshot(from: bad + ".missing") }
    }
}

@Suite struct Hash256ParsingTests {
    @Test func hexAndBytesReadTheSameHash() {
        for _ in 0..<100 {
            let bytes = (0..<32).map { _ in UInt8.random(in: 0...255) }
            let hex = bytes.map { String(format: "%02x", $0) }.joined()
            let fromBytes = Hash256(bytes: bytes)
            #expect(fromBytes != nil && Hash256(hex: hex) == fromBytes && Hash256(hex: hex.uppercased()) == fromBytes)
            #expect(fromBytes?.w0 == bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) })
        }
        #expect(Hash256(hex: String(repeating: "f", count: 63)) == nil)
        #expect(Hash256(hex: String(repeating: "0", count: 63) + "g") == nil)
        #expect(Hash256(hex: String(repeating: "é", count: 32)) == nil)
        #expect(Hash256(bytes: [UInt8](repeating: 1, count: 31)) == nil)
    }
}

@Suite struct DigestSetTests {
    @Test func exactLookupByLength() throws {
        let sha = DigestSet(length: 32)
        let digest = [UInt8](repeating: 0xAB, count: 32)
        try sha.insert(digest, id: 1)
        try sha.insert(digest, id: 2)
        try sha.insert(digest, id: 2)
        #expect(sha.lookup(digest) == [1, 2])
        #expect(sha.lookup([UInt8](repeating: 0xAB, count: 31) + [0]).isEmpty)
        #expect(throws: DigestLengthError.self) { try sha.insert([UInt8](repeating: 1, count: 16), id: 3) }
        sha.remove(id: 1)
        #expect(sha.lookup(digest) == [2])
        sha.remove(id: 2)
        #expect(sha.count == 0)
        let md5 = DigestSet(length: 16)
        try md5.insert([UInt8](0..<16), id: 9)
        #expect(md5.lookup([UInt8](0..<16)) == [9])
    }

    @Test func removingUnderAKnownDigestTouchesOnlyThatDigest() throws {
        let set = DigestSet(length: 16)
        let a = [UInt8](repeating: 1, count: 16), b = [UInt8](repeating: 2, count: 16)
        try set.insert(a, id: 7)
        try set.insert(b, id: 7)
        try set.insert(a, id: 8)
        set.remove(a, id: 7)
        #expect(set.lookup(a) == [8])
        #expect(set.lookup(b) == [7])
        set.remove(a, id: 8)
        set.remove([UInt8](repeating: 1, count: 3), id: 7)  // wrong length: nothing happens
        #expect(set.count == 1)
    }
}
