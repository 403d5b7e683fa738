/// The median the reference thresholds DCT coefficients against: Torben Mogensen's
/// selection, which returns a value present in the input (or the midpoint `guess` when
/// the counts balance), never an average of two, so it is reproduced step by step.
enum TorbenMedian {
    static func median(_ m: [Float]) -> Float {
        let n = m.count
        precondition(n > 0)
        var minimum = m[0], maximum = m[0]
        for value in m.dropFirst() {
            if value < minimum { minimum = value }
            if value > maximum { maximum = value }
        }
        let half = (n + 1) / 2
        while true {
            let guess = (minimum + maximum) / 2
            var less = 0, greater = 0, equal = 0
            var maxBelow = minimum, minAbove = maximum
            for value in m {
                if value < guess {
                    less += 1
                    if value > maxBelow { maxBelow = value }
                } else if value > guess {
                    greater += 1
                    if value < minAbove { minAbove = value }
                } else {
                    equal += 1
                }
            }
            if less <= half && greater <= half {
                if less >= half { return maxBelow }
                if less + equal >= half { return guess }
                return minAbove
            } else if less > greater {
                maximum = maxBelow
            } else {
                minimum = minAbove
            }
        }
    }
}
