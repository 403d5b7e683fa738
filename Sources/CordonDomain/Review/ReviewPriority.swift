/// Where a review case stands in the queue: content of a declared incident first, then
/// the severity of its labels, then the hub's confidence. A case takes the highest of its
/// matches, so a later, graver match moves it up.
public enum ReviewPriority {
    /// Higher is reviewed first.
    public static func of(labels: SignalLabels, confidence: Double, contributors: Int, incident: Bool) -> Int {
        let confidenceRank = min(3, Int((max(0, min(1, confidence)) * 2).rounded()) + (contributors > 1 ? 1 : 0))
        return (incident ? 1000 : 0) + severity(labels) * 10 + confidenceRank
    }

    /// 0 (nothing named) to 5 (an imminent threat).
    public static func severity(_ labels: SignalLabels) -> Int {
        var rank = labels.categories.isEmpty ? 0 : 1
        for behaviour in labels.behaviours {
            switch behaviour {
            case .imminentThreat: rank = max(rank, 5)
            case .attackerManifesto, .graphicViolence: rank = max(rank, 4)
            case .instructional, .recruitment: rank = max(rank, 3)
            case .glorification, .brandedPublication: rank = max(rank, 2)
            }
        }
        if labels.categories.contains(.threat) { rank = max(rank, 4) }
        if labels.categories.contains(.instruction) { rank = max(rank, 3) }
        return rank
    }
}
