extension [Double] {
    /// The value at fraction `p` (0 to 1) of the sorted values (nearest rank below), 0 when empty.
    func percentile(_ p: Double) -> Double {
        guard !isEmpty else { return 0 }
        let sorted = sorted()
        return sorted[Swift.min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
    }
}
