import HashIndex
import PDQ
import Synchronization

/// Many videos' frame hashes in one ``HashIndex``, so a query video is compared with all
/// of them at once: each query frame is searched once, and only the videos it lands near
/// are scored (with the same percentages as ``VPDQMatch/brute(query:compared:rule:)``).
///
/// Videos come and go one at a time (a hub's feed), without a rebuild: additions are
/// searchable at once and are folded into the index's tables by ``compact()``.
public final class VPDQIndex: Sendable {
    private let index = HashIndex()
    private let state = Mutex(State())

    private struct State {
        /// Slot → video; a removed video leaves its slot empty (slots are index ids).
        var videos: [(key: String, features: [VPDQFeature])?] = []
        var slots: [String: Int] = [:]
        var frames = 0
    }

    public init() {}

    /// How many videos, and how many of their frames can match.
    public var count: (videos: Int, frames: Int) { state.withLock { ($0.slots.count, $0.frames) } }

    /// Frames added or removed since the index's tables were last built.
    public var pendingChanges: Int { index.pendingChanges }
    public var storedFrames: Int { index.storedEntries }

    /// Adds a video's frames under `key` (a file name, a signal id), replacing any video
    /// already under it.
    public func add(_ features: [VPDQFeature], of key: String) {
        remove(key)
        let entries: [(UInt64, Hash256)] = state.withLock { state in
            let slot = state.videos.count
            state.videos.append((key, features))
            state.slots[key] = slot
            // Frames under the quality threshold never count, under either rule.
            let entries = features.enumerated().filter { $0.element.quality >= VPDQMatchRule.threatExchange.qualityThreshold }
                .map { (UInt64(slot) << 32 | UInt64($0.offset), Hash256($0.element.hash)) }
            state.frames += entries.count
            return entries
        }
        index.insert(contentsOf: entries)
    }

    /// Takes the video under `key` out, if there is one.
    public func remove(_ key: String) {
        let ids: [UInt64] = state.withLock { state in
            guard let slot = state.slots.removeValue(forKey: key), let video = state.videos[slot] else { return [] }
            state.videos[slot] = nil
            let ids = video.features.indices.filter { video.features[$0].quality >= VPDQMatchRule.threatExchange.qualityThreshold }
                .map { UInt64(slot) << 32 | UInt64($0) }
            state.frames -= ids.count
            return ids
        }
        if !ids.isEmpty { index.remove(ids: ids) }
    }

    /// Folds pending additions and removals into the search tables.
    public func compact() { index.compact() }

    /// The videos whose share of near query frames is at least `minimumQueryPercent`
    /// (default: the rule's match threshold) and whose share of near frames of their own
    /// is at least `minimumComparedPercent` (default: the rule's), with both percentages.
    public func matches(for query: [VPDQFeature], rule: VPDQMatchRule = .threatExchange,
                        minimumQueryPercent: Double? = nil, minimumComparedPercent: Double? = nil) -> [String: VPDQMatch] {
        let frames = rule.filtered(query)
        guard !frames.isEmpty else { return [:] }
        var queryHits: [UInt64: Int] = [:]
        var comparedHits: [UInt64: Set<Int>] = [:]
        for frame in frames {
            var videosHit = Set<UInt64>()
            for match in index.search(Hash256(frame.hash), maxDistance: rule.maxDistance) {
                let video = match.id >> 32
                videosHit.insert(video)
                comparedHits[video, default: []].insert(Int(match.id & 0xffff_ffff))
            }
            for video in videosHit { queryHits[video, default: 0] += 1 }
        }
        let candidates = state.withLock { state in queryHits.keys.compactMap { slot in state.videos[Int(slot)].map { (slot, $0) } } }
        var results: [String: VPDQMatch] = [:]
        for (slot, video) in candidates {
            let queryPercent = VPDQMatch.percent(queryHits[slot] ?? 0, of: frames.count)
            guard queryPercent >= (minimumQueryPercent ?? rule.queryThreshold) else { continue }
            let compared = rule.comparedIndices(video.features)
            let near = comparedHits[slot] ?? []
            let comparedPercent = VPDQMatch.percent(compared.filter { near.contains($0) }.count, of: compared.count)
            guard comparedPercent >= (minimumComparedPercent ?? rule.comparedThreshold) else { continue }
            results[video.key] = VPDQMatch(queryPercent: queryPercent, comparedPercent: comparedPercent, rule: rule)
        }
        return results
    }

    /// The frames near one image hash: which video, which of its frames, how near; the
    /// nearest (then first) frame of each video only, nearest first.
    public func frames(near hash: PDQHash, maxDistance: Int) -> [VPDQFrameMatch] {
        let found = index.search(Hash256(hash), maxDistance: maxDistance)
        var best: [UInt64: (frame: Int, distance: Int)] = [:]
        for match in found {
            let slot = match.id >> 32, frame = Int(match.id & 0xffff_ffff)
            // The nearest frame; of equally near ones, the first.
            if let known = best[slot], (known.distance, known.frame) <= (match.distance, frame) { continue }
            best[slot] = (frame, match.distance)
        }
        return state.withLock { state in
            best.compactMap { slot, hit in
                state.videos[Int(slot)].map { video in
                    VPDQFrameMatch(key: video.key, feature: video.features[hit.frame], distance: hit.distance)
                }
            }
        }.sorted { ($0.distance, $0.key) < ($1.distance, $1.key) }
    }
}

/// One video frame near an image: the video's key, the frame, and the distance.
public struct VPDQFrameMatch: Sendable, Hashable {
    public var key: String
    public var feature: VPDQFeature
    public var distance: Int
}

extension Hash256 {
    init(_ hash: PDQHash) {
        self.init(hash.words.0, hash.words.1, hash.words.2, hash.words.3)
    }
}
