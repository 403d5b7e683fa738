/// The index as it was at one instant: immutable, so a search on it needs no lock.
struct IndexSnapshot: Sendable {
    let tables: MultiIndexTables
    let delta: DeltaLog.View
    /// Removed id → the sequence number of its removal: entries inserted before it are dead.
    let removed: [UInt64: UInt64]
    /// Every entry in `tables` counts as inserted at this sequence number.
    let baseSequence: UInt64
    /// The last change this snapshot includes.
    let lastSequence: UInt64

    @inline(__always)
    func isLive(id: UInt64, insertedAt sequence: UInt64) -> Bool {
        guard !removed.isEmpty, let removal = removed[id] else { return true }
        return removal < sequence
    }

    func search(_ query: Hash256, radius: Int) -> [HashMatch] {
        var matches: [HashMatch] = []
        guard radius >= 0 else { return matches }
        tables.search(query, radius: radius) { position, distance in
            let id = tables.ids[position]
            if isLive(id: id, insertedAt: baseSequence) {
                matches.append(HashMatch(id: id, distance: distance))
            }
        }
        delta.forEachRun { run in
            for entry in run {
                let distance = entry.hash.distance(to: query)
                if distance <= radius && isLive(id: entry.id, insertedAt: entry.sequence) {
                    matches.append(HashMatch(id: entry.id, distance: distance))
                }
            }
        }
        matches.sort()
        return matches
    }

    /// The live entries: the tables' and the delta's, less the removed.
    func liveEntries() -> (ids: [UInt64], hashes: [Hash256]) {
        var ids: [UInt64] = [], hashes: [Hash256] = []
        ids.reserveCapacity(tables.count + delta.count)
        hashes.reserveCapacity(tables.count + delta.count)
        for position in 0..<tables.count where isLive(id: tables.ids[position], insertedAt: baseSequence) {
            ids.append(tables.ids[position])
            hashes.append(tables.hashes[position])
        }
        delta.forEachRun { run in
            for entry in run where isLive(id: entry.id, insertedAt: entry.sequence) {
                ids.append(entry.id)
                hashes.append(entry.hash)
            }
        }
        return (ids, hashes)
    }
}
