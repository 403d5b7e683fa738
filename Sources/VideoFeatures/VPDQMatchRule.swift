import PDQ

/// How two videos' frame hashes are compared. Both drop frames below a quality threshold
/// and count, on each side, the frames that have a near frame on the other side.
public enum VPDQMatchRule: String, Sendable, CaseIterable, Codable {
    /// python-threatexchange's: identical frame hashes counted once (first kept), then
    /// quality ≥ 50; near means distance ≤ 31; a match when ≥ 80 % of the query's frames
    /// are near (and ≥ 0 % of the other's). The default.
    case threatExchange = "threatexchange"
    /// The C++ reference's `match-hashes-brute`: no de-duplication, near means distance < 31.
    case reference

    public var qualityThreshold: Int { 50 }

    /// The largest distance that counts as near.
    public var maxDistance: Int {
        switch self {
        case .threatExchange: PDQHash.defaultMatchThreshold
        case .reference: PDQHash.defaultMatchThreshold - 1
        }
    }

    /// Thresholds on the two percentages for a match.
    public var queryThreshold: Double { 80 }
    public var comparedThreshold: Double { 0 }

    /// The frames this rule compares.
    public func filtered(_ features: [VPDQFeature]) -> [VPDQFeature] {
        comparedIndices(features).map { features[$0] }
    }

    /// The positions of the frames this rule compares.
    func comparedIndices(_ features: [VPDQFeature]) -> [Int] {
        var seen = Set<PDQHash>()
        return features.indices.filter { index in
            (self != .threatExchange || seen.insert(features[index].hash).inserted) && features[index].quality >= qualityThreshold
        }
    }
}

/// What share of each video's compared frames has a near frame in the other.
public struct VPDQMatch: Sendable, Hashable {
    public var queryPercent: Double
    public var comparedPercent: Double
    public var rule: VPDQMatchRule

    public var isMatch: Bool { queryPercent >= rule.queryThreshold && comparedPercent >= rule.comparedThreshold }

    /// Every frame of one against every frame of the other.
    public static func brute(query: [VPDQFeature], compared: [VPDQFeature], rule: VPDQMatchRule = .threatExchange) -> VPDQMatch {
        let q = rule.filtered(query), c = rule.filtered(compared)
        func near(_ a: VPDQFeature, _ others: [VPDQFeature]) -> Bool {
            others.contains { $0.hash.distance(to: a.hash) <= rule.maxDistance }
        }
        return VPDQMatch(queryPercent: percent(q.filter { near($0, c) }.count, of: q.count),
                         comparedPercent: percent(c.filter { near($0, q) }.count, of: c.count), rule: rule)
    }

    static func percent(_ count: Int, of total: Int) -> Double {
        total == 0 ? 0 : Double(count) * 100 / Double(total)
    }
}
