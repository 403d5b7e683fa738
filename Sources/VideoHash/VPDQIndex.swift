import HashIndex
import PDQ
import Synchronization

/// Many videos' frame hashes in one ``HashIndex``, so a query video is compared with all
/// of them at once: each query frame is searched once, and only the videos it lands near
/// are scored (with the same percentages as ``VPDQMatch/brute(query:compared:rule:)``).
public final class VPDQIndex: Sendable {
    private let index = HashIndex()
    private let videos = Mutex<[(key: String, features: [VPDQFeature])]>([])

    public init() {}

    /// Adds a video's frames under `key` (a file name, a signal id).
    public func add(_ features: [VPDQFeature], of key: String) {
        let number = videos.withLock { videos in
            videos.append((key, features))
            return UInt64(videos.count - 1)
        }
        // Frames under the quality threshold never count, under either rule.
        let entries = features.enumerated().filter { $0.element.quality >= VPDQMatchRule.threatExchange.qualityThreshold }
            .map { (number << 32 | UInt64($0.offset), Hash256($0.element.hash.words.0, $0.element.hash.words.1,
                                                              $0.element.hash.words.2, $0.element.hash.words.3)) }
        index.insert(contentsOf: entries)
    }

    /// The videos whose share of near query frames is at least `minimumQueryPercent`
    /// (default: the rule's match threshold), with both percentages.
    public func matches(for query: [VPDQFeature], rule: VPDQMatchRule = .threatExchange,
                        minimumQueryPercent: Double? = nil) -> [String: VPDQMatch] {
        let frames = rule.filtered(query)
        guard !frames.isEmpty else { return [:] }
        var queryHits: [UInt64: Int] = [:]
        var comparedHits: [UInt64: Set<Int>] = [:]
        for frame in frames {
            let hash = Hash256(frame.hash.words.0, frame.hash.words.1, frame.hash.words.2, frame.hash.words.3)
            var videosHit = Set<UInt64>()
            for match in index.search(hash, maxDistance: rule.maxDistance) {
                let video = match.id >> 32
                videosHit.insert(video)
                comparedHits[video, default: []].insert(Int(match.id & 0xffff_ffff))
            }
            for video in videosHit { queryHits[video, default: 0] += 1 }
        }
        let stored = videos.withLock { $0 }
        var results: [String: VPDQMatch] = [:]
        for (video, hits) in queryHits {
            let (key, features) = stored[Int(video)]
            let queryPercent = VPDQMatch.percent(hits, of: frames.count)
            guard queryPercent >= (minimumQueryPercent ?? rule.queryThreshold) else { continue }
            let compared = rule.comparedIndices(features)
            let near = comparedHits[video] ?? []
            results[key] = VPDQMatch(queryPercent: queryPercent,
                                     comparedPercent: VPDQMatch.percent(compared.filter { near.contains($0) }.count, of: compared.count),
                                     rule: rule)
        }
        return results
    }
}
