import CordonDomain
import CordonStore
import Foundation
import HashIndex
import NIOPosix
import Synchronization

/// Every matchable signal, in memory: PDQ hashes in a ``HashIndex``, digests in
/// ``DigestSet``s, and each signal's fields, so `POST /v1/match` is answered without a
/// database query and only from the caller's collections.
///
/// It is kept current by ``ChangeFollower`` from the store's change log, the same log
/// mirrors read; applying a change is idempotent (the entry takes the signal's state).
final class SignalCatalog: Sendable {
    private let pdq = HashIndex()
    private let md5 = DigestSet(length: 16)
    private let sha256 = DigestSet(length: 32)
    private let state = Mutex(State())
    private let compacting = Atomic(false)

    fileprivate struct State {
        var signals: [Int: StoredSignal] = [:]
        /// Labels and contributor lists repeat across millions of signals: one copy each.
        var labels: Set<SignalLabels> = []
        var contributors: Set<[UUID]> = []
    }

    /// Makes room for `count` signals (start-up), so loading never regrows the table.
    func reserve(_ count: Int) {
        state.withLock { $0.signals.reserveCapacity(count) }
    }

    /// How many signals can match.
    var count: Int { state.withLock { $0.signals.count } }

    /// Adds signals in bulk (start-up, in batches); ``compact()`` once after the last.
    func load(_ signals: [StoredSignal]) {
        var entries: [(UInt64, Hash256)] = []
        entries.reserveCapacity(signals.count)
        state.withLock { state in
            for signal in signals where signal.status != .retracted && state.signals[signal.id] == nil {
                if let digests = digests(signal.type) {
                    guard let bytes = Self.bytes(signal.value) else { continue }
                    try? digests.insert(bytes, id: UInt64(signal.id))
                } else {
                    guard let hash = Hash256(hex: signal.value) else { continue }
                    entries.append((UInt64(signal.id), hash))
                }
                state.signals[signal.id] = state.interned(signal)
            }
        }
        pdq.insert(contentsOf: entries)
    }

    /// Folds what was added into the index's search tables.
    func compact() {
        pdq.compact()
    }

    /// Brings signals up to date, in order: a retracted one leaves the index, any other is
    /// added or has its fields replaced.
    func apply(_ signals: [StoredSignal]) {
        // Index operations in the signals' order; consecutive inserts go in together.
        var inserts: [(UInt64, Hash256)] = []
        state.withLock { state in
            for signal in signals {
                let id = UInt64(signal.id)
                let wasIndexed = state.signals[signal.id] != nil
                let isIndexed = signal.status != .retracted
                state.signals[signal.id] = isIndexed ? state.interned(signal) : nil
                guard wasIndexed != isIndexed else { continue }
                if let digests = digests(signal.type) {
                    guard let bytes = Self.bytes(signal.value) else { continue }
                    if isIndexed { try? digests.insert(bytes, id: id) } else { digests.remove(bytes, id: id) }
                } else if isIndexed {
                    if let hash = Hash256(hex: signal.value) { inserts.append((id, hash)) }
                } else {
                    pdq.insert(contentsOf: inserts)
                    inserts.removeAll()
                    pdq.remove(id: id)
                }
            }
            pdq.insert(contentsOf: inserts)
        }
        compactWhenDue()
    }

    /// Starts folding pending changes into the index's tables, on a thread of its own,
    /// once there are enough of them that scanning them slows searches: a compaction
    /// rebuilds the tables, which takes about a second per million hashes, and must not
    /// hold up the request that crossed the line.
    private func compactWhenDue() {
        let stored = pdq.storedEntries
        guard pdq.pendingChanges > max(Self.compactionThreshold, stored / 16),
              compacting.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        NIOThreadPool.singleton.submit { [self] _ in
            pdq.compact()
            compacting.store(false, ordering: .releasing)
        }
    }

    /// The fewest pending changes that start a compaction (or a sixteenth of the index, if
    /// more): every search scans them, and every compaction rebuilds all the tables.
    static let compactionThreshold = 20_000

    /// Signals matching `value` within `maxDistance` (PDQ) or exactly (digests), in the
    /// given collections only, nearest first.
    func match(type: SignalType, value: String, maxDistance: Int, in collections: Set<UUID>) -> [(signal: StoredSignal, distance: Int)] {
        let found: [(Int, Int)]
        if let digests = digests(type) {
            guard let bytes = Self.bytes(value) else { return [] }
            found = digests.lookup(bytes).map { (Int($0), 0) }
        } else {
            guard let hash = Hash256(hex: value) else { return [] }
            found = pdq.search(hash, maxDistance: maxDistance).map { (Int($0.id), $0.distance) }
        }
        return state.withLock { state in
            found.compactMap { id, distance in
                guard let signal = state.signals[id], collections.contains(signal.collectionID) else { return nil }
                return (signal, distance)
            }
        }
    }

    /// The exact-match set a type's values live in; `nil` for PDQ, which the index holds.
    private func digests(_ type: SignalType) -> DigestSet? {
        switch type {
        case .pdq: nil
        case .md5: md5
        case .sha256: sha256
        }
    }

    static func bytes(_ hex: String) -> [UInt8]? {
        let utf8 = Array(hex.utf8)
        guard utf8.count.isMultiple(of: 2) else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let high = nibble(utf8[i]), let low = nibble(utf8[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        case 65...70: c - 55
        default: nil
        }
    }
}

extension SignalCatalog.State {
    /// `signal` with its labels and contributors sharing storage with equal ones.
    mutating func interned(_ signal: StoredSignal) -> StoredSignal {
        var copy = signal
        if let existing = labels.firstIndex(of: signal.labels) {
            copy.labels = labels[existing]
        } else if labels.count < 100_000 {
            labels.insert(signal.labels)
        }
        if let existing = contributors.firstIndex(of: signal.contributors) {
            copy.contributors = contributors[existing]
        } else if contributors.count < 100_000 {
            contributors.insert(signal.contributors)
        }
        return copy
    }
}
