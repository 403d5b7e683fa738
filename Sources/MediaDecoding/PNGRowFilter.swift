/// PNG's five row filters, undone in place (PNG specification, section 9). Each byte is
/// stored as its difference from a prediction made from the byte to its left (`stride`
/// bytes back: one pixel, or one byte when pixels are smaller), the byte above, or both.
enum PNGRowFilter {
    /// Restores `row` (`count` bytes) given the restored row above (`nil` on a pass's first
    /// row, where it counts as zeros). False when `type` is not a filter.
    static func unfilter(_ type: UInt8, _ row: UnsafeMutablePointer<UInt8>, previous: UnsafePointer<UInt8>?,
                         count: Int, stride: Int) -> Bool {
        switch (type, previous) {
        case (0, _), (2, nil):
            break
        case (1, _):
            for i in stride..<count { row[i] &+= row[i - stride] }
        case (2, let above?):
            for i in 0..<count { row[i] &+= above[i] }
        case (3, nil):
            for i in stride..<count { row[i] &+= row[i - stride] >> 1 }
        case (3, let above?):
            for i in 0..<stride { row[i] &+= above[i] >> 1 }
            for i in stride..<count { row[i] &+= UInt8((UInt16(row[i - stride]) + UInt16(above[i])) >> 1) }
        case (4, nil):
            // With nothing above, Paeth predicts the byte to the left.
            for i in stride..<count { row[i] &+= row[i - stride] }
        case (4, let above?):
            // With nothing to the left, Paeth predicts the byte above.
            for i in 0..<stride { row[i] &+= above[i] }
            for i in stride..<count { row[i] &+= paeth(row[i - stride], above[i], above[i - stride]) }
        default:
            return false
        }
        return true
    }

    /// Whichever of left, above and upper-left is closest to left + above - upper-left,
    /// ties going in that order.
    @inline(__always)
    static func paeth(_ left: UInt8, _ above: UInt8, _ upperLeft: UInt8) -> UInt8 {
        let a = Int(left), b = Int(above), c = Int(upperLeft)
        let pa = abs(b - c), pb = abs(a - c), pc = abs(a + b - 2 * c)
        if pa <= pb && pa <= pc { return left }
        return pb <= pc ? above : upperLeft
    }
}
