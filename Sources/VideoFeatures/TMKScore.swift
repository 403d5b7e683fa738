import Foundation

/// The two TMK scores of a pair of videos. Level 1 is cheap and filters; level 2 aligns
/// the videos in time. Meta suggests 0.7 as the threshold for both.
public enum TMKScore {
    /// Cosine similarity of the average frame features, -1 to 1.
    public static func level1(_ a: TMKFeatures, _ b: TMKFeatures) -> Float {
        var dot: Float = 0, normA: Float = 0, normB: Float = 0
        for k in 0..<min(a.dimension, b.dimension) {
            dot += a.pureAverage[k] * b.pureAverage[k]
            normA += a.pureAverage[k] * a.pureAverage[k]
            normB += b.pureAverage[k] * b.pureAverage[k]
        }
        return normA == 0 || normB == 0 ? 0 : dot / (normA.squareRoot() * normB.squareRoot())
    }

    /// The temporal match kernel at the best time offset, over the best period, normalised
    /// to 0 to 1; `nil` when the two were made with different parameters.
    public static func level2(_ a: TMKFeatures, _ b: TMKFeatures) -> Float? {
        guard a.isComparable(with: b) else { return nil }
        let coefficients = a.fourierCoefficients.count, d = a.dimension
        var best = -Float.infinity
        for (p, period) in a.periods.enumerated() {
            // Per coefficient: the kernel's cosine and sine weights.
            var cosWeight = [Float](repeating: 0, count: coefficients), sinWeight = cosWeight
            var constant: Float = 0
            for j in 0..<coefficients {
                let base = (p * coefficients + j) * d
                var cc: Float = 0, ss: Float = 0, sc: Float = 0, cs: Float = 0
                for k in 0..<d {
                    cc += a.cosines[base + k] * b.cosines[base + k]
                    ss += a.sines[base + k] * b.sines[base + k]
                    sc += a.sines[base + k] * b.cosines[base + k]
                    cs += a.cosines[base + k] * b.sines[base + k]
                }
                if j == 0 { constant = cc }
                cosWeight[j] = cc + ss
                sinWeight[j] = sc - cs
            }
            for offset in 0..<period {
                let delta = 2 * Float.pi * Float(offset) / Float(period)
                // cos(jδ) and sin(jδ) by the angle-addition recurrence in float, as the
                // reference evaluates them (its scores are reproduced to 6 decimals).
                var cosJ: Float = 1, sinJ: Float = 0
                let beta = sin(delta)
                var alpha = sin(delta / 2)
                alpha = 2 * alpha * alpha
                var kernel = constant
                for j in 1..<max(1, coefficients) {
                    let nextCos = alpha * cosJ + beta * sinJ
                    let nextSin = alpha * sinJ - beta * cosJ
                    cosJ -= nextCos
                    sinJ -= nextSin
                    kernel += cosJ * cosWeight[j]
                    kernel += sinJ * sinWeight[j]
                }
                best = max(best, kernel)
            }
        }
        let normaliser = a.fourierCoefficients.dropFirst().reduce(a.fourierCoefficients.first ?? 1) { $0 + 2 * $1 }
        return best / normaliser
    }
}
