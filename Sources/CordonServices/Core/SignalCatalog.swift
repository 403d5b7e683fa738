import CordonDomain
import CordonStore
import Foundation
import HashIndex
import Synchronization
import VideoFeatures

/// Every matchable signal, in memory: PDQ hashes in a ``HashIndex``, digests in
/// ``DigestSet``s, every frame of every video in one ``VPDQIndex``, TMK features, URLs,
/// and each signal's fields, so `POST /v1/match` is answered without a database query and
/// only from the caller's collections. A video's payload lives in its index only: the
/// fields kept here leave it out.
///
/// It is kept current by ``ChangeFollower`` from the store's change log, the same log
/// mirrors read; applying a change is idempotent (the entry takes the signal's state).
final class SignalCatalog: Sendable {
    private let pdq = HashIndex()
    private let md5 = DigestSet(length: 16)
    private let sha256 = DigestSet(length: 32)
    private let urlMD5 = DigestSet(length: 16)
    let videos = VPDQIndex()
    let urls = URLSignalIndex()
    private let tmk = Mutex<[Int: TMKFeatures]>([:])
    private let state = Mutex(State())
    private let compacting = Atomic(false)
    /// The last page of a first copy being added (``addCopied(_:)``).
    private let copying = Mutex<Task<Void, Never>?>(nil)
    /// When changes were last applied (``ContinuousClock`` nanoseconds since start-up).
    private let lastApplied = Atomic<Int64>(0)
    /// When the last compaction may be followed by another (its end plus its duration).
    private let nextCompaction = Atomic<Int64>(0)
    private static let clock = ContinuousClock()
    private static let epoch = clock.now

    fileprivate struct State {
        var signals = CatalogEntries()
        /// Matchable signals of each type in each collection, for the pages' figures.
        var counts: [UUID: [SignalType: Int]] = [:]

        mutating func count(_ signal: StoredSignal, _ change: Int) {
            count(signal.collectionID, signal.type, change)
        }

        mutating func count(_ collection: UUID, _ type: SignalType, _ change: Int) {
            counts[collection, default: [:]][type, default: 0] += change
        }
    }

    /// How many matchable signals of each type each collection holds.
    var counts: [UUID: [SignalType: Int]] { state.withLock { $0.counts } }

    /// Makes room for `count` signals (start-up), so loading never regrows the table.
    func reserve(_ count: Int) {
        state.withLock { $0.signals.reserve(count) }
    }

    /// Index entries (image hashes, video frames) not yet folded into the search tables.
    var pendingChanges: Int { pdq.pendingChanges + videos.pendingChanges }

    /// How many signals can match.
    var count: Int { state.withLock { $0.signals.count } }

    /// Adds signals in bulk (start-up, in batches); ``compact()`` once after the last.
    func load(_ signals: [StoredSignal]) {
        var entries: [(UInt64, Hash256)] = []
        entries.reserveCapacity(signals.count)
        state.withLock { state in
            // Signals come in runs of one collection and type: counted a run at a time.
            var run: (collection: UUID, type: SignalType, count: Int)?
            defer { if let run { state.count(run.collection, run.type, run.count) } }
            for signal in signals where signal.status != .retracted {
                if signal.type == .pdq {
                    guard let hash = Hash256(hex: signal.value), state.signals.add(signal, hash: hash) else { continue }
                    entries.append((UInt64(signal.id), hash))
                } else {
                    guard !state.signals.contains(signal.id), index(signal) else { continue }
                    state.signals.add(signal, hash: nil)
                }
                if let current = run, current.collection == signal.collectionID, current.type == signal.type {
                    run?.count += 1
                } else {
                    if let run { state.count(run.collection, run.type, run.count) }
                    run = (signal.collectionID, signal.type, 1)
                }
            }
        }
        pdq.insert(contentsOf: entries)
    }

    /// Adds a page of a mirror's first copy (signals new here, retracted ones left out)
    /// without waiting for it: it is added while the caller stores the next page, after
    /// the page before it (``copiesAdded()`` waits for the last). Like ``load(_:)``, but
    /// folded into the search tables as the copy grows, each time what is pending reaches
    /// what is folded: matching meanwhile scans at most half the index unfolded, and a copy
    /// of a million rebuilds the tables about twice over, not the seventeen times of
    /// ``apply(_:)``'s sixteenths.
    func addCopied(_ signals: [StoredSignal]) {
        copying.withLock { last in
            let before = last
            last = Task { [self] in
                await before?.value
                load(signals)
                lastApplied.store(Self.nanoseconds(), ordering: .relaxed)
                startCompaction(images: pdq.pendingChanges > max(Self.compactionThreshold, pdq.storedEntries),
                                videos: videos.pendingChanges > max(Self.compactionThreshold, videos.storedFrames))
            }
        }
    }

    /// Waits until every page given to ``addCopied(_:)`` is in.
    func copiesAdded() async {
        await copying.withLock { $0 }?.value
    }

    /// Puts a signal other than PDQ in its index; false if its value or payload is unusable.
    private func index(_ signal: StoredSignal) -> Bool {
        let id = UInt64(signal.id)
        switch signal.type {
        case .pdq:
            guard let hash = Hash256(hex: signal.value) else { return false }
            pdq.insert(hash, id: id)
        case .md5, .sha256, .urlMD5:
            guard let bytes = Self.bytes(signal.value), (try? digests(signal.type)!.insert(bytes, id: id)) != nil else { return false }
        case .vpdq:
            guard let payload = signal.payload, let list = try? VPDQFeatureList(binary: payload, maxFrames: .max) else { return false }
            videos.add(list.features, of: String(signal.id))
        case .tmk:
            guard let payload = signal.payload, let features = try? TMKFeatures(bytes: payload) else { return false }
            tmk.withLock { $0[signal.id] = features }
        case .url:
            urls.insert(signal.value, id: signal.id)
        }
        return true
    }

    /// Takes a signal out of its index.
    private func unindex(_ signal: StoredSignal) {
        let id = UInt64(signal.id)
        switch signal.type {
        case .pdq: pdq.remove(id: id)
        case .md5, .sha256, .urlMD5: if let bytes = Self.bytes(signal.value) { digests(signal.type)!.remove(bytes, id: id) }
        case .vpdq: videos.remove(String(signal.id))
        case .tmk: _ = tmk.withLock { $0.removeValue(forKey: signal.id) }
        case .url: urls.remove(signal.value, id: signal.id)
        }
    }

    /// Folds what was added into the index's search tables.
    func compact() {
        pdq.compact()
        videos.compact()
    }

    /// Brings signals up to date, in order: a retracted one leaves the index, any other is
    /// added or has its fields replaced.
    func apply(_ signals: [StoredSignal]) {
        // Index operations in the signals' order; consecutive inserts go in together.
        var inserts: [(UInt64, Hash256)] = []
        state.withLock { state in
            for signal in signals {
                let id = UInt64(signal.id)
                let wasIndexed = state.signals.contains(signal.id)
                let isIndexed = signal.status != .retracted
                let hash = signal.type == .pdq ? Hash256(hex: signal.value) : nil
                if isIndexed { state.signals.put(signal, hash: hash) } else { state.signals.remove(signal.id) }
                guard wasIndexed != isIndexed else { continue }
                state.count(signal, isIndexed ? 1 : -1)
                if signal.type != .pdq {
                    if isIndexed { _ = index(signal) } else { unindex(signal) }
                } else if isIndexed {
                    if let hash { inserts.append((id, hash)) }
                } else {
                    pdq.insert(contentsOf: inserts)
                    inserts.removeAll()
                    pdq.remove(id: id)
                }
            }
            pdq.insert(contentsOf: inserts)
        }
        lastApplied.store(Self.nanoseconds(), ordering: .relaxed)
        compactWhenDue()
    }

    /// Folds whatever is pending into the search tables once no change has come for a
    /// second: after a bulk load the last changes (up to a sixteenth of the index) would
    /// otherwise be scanned by every search until the next burst. Called by the
    /// synchroniser's once-a-second tick.
    func compactWhenIdle() {
        guard pdq.pendingChanges > 0 || videos.pendingChanges > 0,
              Self.nanoseconds() - lastApplied.load(ordering: .relaxed) > 1_000_000_000 else { return }
        startCompaction(images: pdq.pendingChanges > 0, videos: videos.pendingChanges > 0)
    }

    private static func nanoseconds() -> Int64 {
        let elapsed = (clock.now - epoch).components
        return elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000
    }

    /// Starts folding pending changes into the index's tables, on a thread of its own,
    /// once there are enough of them that scanning them slows searches: a compaction
    /// rebuilds the tables, which takes about a second per million hashes, and must not
    /// hold up the request that crossed the line. Under a stream of changes (a mirror's
    /// first copy) each compaction rests as long as it took: a first copy of a million
    /// rebuilt them about fifteen times over; now compactions take at most half a core.
    private func compactWhenDue() {
        let imagesDue = pdq.pendingChanges > max(Self.compactionThreshold, pdq.storedEntries / 16)
        let videosDue = videos.pendingChanges > max(Self.compactionThreshold, videos.storedFrames / 16)
        guard Self.nanoseconds() >= nextCompaction.load(ordering: .relaxed) else { return }
        startCompaction(images: imagesDue, videos: videosDue)
    }

    /// Compacts the named indexes on a thread of their own, unless a compaction is running.
    private func startCompaction(images imagesDue: Bool, videos videosDue: Bool) {
        guard imagesDue || videosDue,
              compacting.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        Self.compactions.async { [self] in
            let started = Self.nanoseconds()
            if imagesDue { pdq.compact() }
            if videosDue { videos.compact() }
            let ended = Self.nanoseconds()
            nextCompaction.store(ended + (ended - started), ordering: .relaxed)
            compacting.store(false, ordering: .releasing)
        }
    }

    /// Where compactions run: not on NIO's shared thread pool, whose few threads also carry
    /// blocking work that requests wait for.
    private static let compactions = DispatchQueue(label: "cordon.catalog-compaction")

    /// The fewest pending changes that start a compaction (or a sixteenth of the index, if
    /// more): every search scans them, and every compaction rebuilds all the tables.
    static let compactionThreshold = 20_000

    /// Signals matching `value` within `maxDistance` (PDQ) or exactly (digests, URLs), in
    /// the given collections only, nearest first.
    func match(type: SignalType, value: String, maxDistance: Int, in collections: Set<UUID>) -> [(signal: StoredSignal, score: Int)] {
        let found: [(Int, Int)]
        if let digests = digests(type) {
            guard let bytes = Self.bytes(value) else { return [] }
            found = digests.lookup(bytes).map { (Int($0), 0) }
        } else if type == .url {
            found = urls.lookup(value, mode: .exact).map { ($0, 0) }
        } else {
            // A video's or TMK's value is its identity, not a hash to search by.
            guard type == .pdq, let hash = Hash256(hex: value) else { return [] }
            found = pdq.search(hash, maxDistance: maxDistance).map { (Int($0.id), $0.distance) }
        }
        return signals(found, in: collections)
    }

    /// The signals with these ids, each with its score, that are in `collections`.
    func signals<Score: Sendable>(_ found: [(Int, Score)], in collections: Set<UUID>) -> [(signal: StoredSignal, score: Score)] {
        state.withLock { state in
            found.compactMap { id, score in
                guard let signal = state.signals.signal(id, in: collections) else { return nil }
                return (signal, score)
            }
        }
    }

    /// The matchable signals labelled with `entity` (compared without regard to case).
    func signalIDs(labelledWithEntity entity: String) -> [Int] {
        let wanted = entity.lowercased()
        return state.withLock { $0.signals.ids { $0.entity?.lowercased() == wanted } }
    }

    /// Shared URLs that `url` (a normal form) matches under `mode`.
    func match(url: String, mode: URLMatchMode, in collections: Set<UUID>) -> [StoredSignal] {
        signals(urls.lookup(url, mode: mode).map { ($0, ()) }, in: collections).map(\.signal).sorted { $0.id < $1.id }
    }

    /// Shared TMK videos whose level-1 and level-2 scores reach the thresholds.
    func match(tmk query: TMKFeatures, level1: Float, level2: Float, in collections: Set<UUID>) -> [(signal: StoredSignal, score: (Float, Float))] {
        let scored = tmk.withLock { stored in
            stored.compactMap { id, features -> (Int, (Float, Float))? in
                let first = TMKScore.level1(query, features)
                guard first >= level1, let second = TMKScore.level2(query, features), second >= level2 else { return nil }
                return (id, (first, second))
            }
        }
        return signals(scored, in: collections).sorted { $0.score.1 > $1.score.1 }
    }

    /// The exact-match set a type's values live in; `nil` for the similarity types.
    private func digests(_ type: SignalType) -> DigestSet? {
        switch type {
        case .md5: md5
        case .sha256: sha256
        case .urlMD5: urlMD5
        case .pdq, .vpdq, .tmk, .url: nil
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
