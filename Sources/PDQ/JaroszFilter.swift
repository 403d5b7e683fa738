/// The reference's blur-and-decimate (two passes of a Jarosz box filter along rows, then
/// along columns), reorganised for speed without changing any value.
///
/// The reference runs one running-sum box filter per row, then one per column. A running
/// sum is a chain of dependent float additions, so each output depends on the exact order
/// of every addition before it. Here many chains run side by side as SIMD lanes, each lane
/// doing exactly the reference's additions and divisions in the reference's order: the
/// column pass runs all columns at once over contiguous rows; the row pass copies a strip
/// of rows into column order first, so its rows become lanes too. The second pass computes
/// only the 64 x 64 samples the decimation keeps (the sums still run over every pixel).
enum JaroszFilter {
    /// The reference's window: half of the input span per output pixel, rounded up.
    static func windowSize(old: Int, new: Int) -> Int {
        (old + 2 * new - 1) / (2 * new)
    }

    /// The input index the reference's decimation samples for each output index.
    static func decimationIndices(input: Int, output: Int) -> [Int] {
        (0..<output).map { Int((Double($0) + 0.5) * Double(input) / Double(output)) }
    }

    /// Blurs `luma` twice along rows and columns and decimates to `size` x `size`
    /// (row-major), exactly as the reference's `jaroszFilterFloat` + `decimateFloat`.
    static func blurAndDecimate(_ luma: LumaImage, size: Int = 64) -> [Float] {
        let rows = luma.height, cols = luma.width
        let rowWindow = windowSize(old: cols, new: size)
        let colWindow = windowSize(old: rows, new: size)
        let keptCols = decimationIndices(input: cols, output: size)
        let keptRows = decimationIndices(input: rows, output: size)

        var first = [Float](repeating: 0, count: rows * cols)
        var second = [Float](repeating: 0, count: rows * cols)
        // Pass 1, rows then columns, over every pixel.
        luma.values.withUnsafeBufferPointer { input in
            first.withUnsafeMutableBufferPointer { out in
                boxAlongRows(input.baseAddress!, out.baseAddress!, rows: rows, cols: cols,
                             window: rowWindow, keepingSteps: nil)
            }
        }
        first.withUnsafeBufferPointer { input in
            second.withUnsafeMutableBufferPointer { out in
                var sums = [Float](repeating: 0, count: cols)
                sums.withUnsafeMutableBufferPointer { sums in
                    boxAcrossLanes(input.baseAddress!, out.baseAddress!, sums: sums.baseAddress!,
                                   length: rows, lanes: cols, window: colWindow, keepingSteps: nil)
                }
            }
        }
        // Pass 2 along rows: only the kept columns are written, as a rows x size matrix.
        var narrowed = [Float](repeating: 0, count: rows * size)
        second.withUnsafeBufferPointer { input in
            narrowed.withUnsafeMutableBufferPointer { out in
                boxAlongRows(input.baseAddress!, out.baseAddress!, rows: rows, cols: cols,
                             window: rowWindow, keepingSteps: keptCols)
            }
        }
        // Pass 2 along columns: only the kept rows are written.
        var result = [Float](repeating: 0, count: size * size)
        narrowed.withUnsafeBufferPointer { input in
            result.withUnsafeMutableBufferPointer { out in
                var sums = [Float](repeating: 0, count: size)
                sums.withUnsafeMutableBufferPointer { sums in
                    boxAcrossLanes(input.baseAddress!, out.baseAddress!, sums: sums.baseAddress!,
                                   length: rows, lanes: size, window: colWindow, keepingSteps: keptRows)
                }
            }
        }
        return result
    }

    /// Rows of the strip that the row pass turns into lanes at once.
    static let stripHeight = 16

    /// The box filter along each row of a `rows` x `cols` matrix. With `keepingSteps`, only
    /// those columns are written, as a `rows` x `keepingSteps.count` matrix.
    static func boxAlongRows(
        _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
        rows: Int, cols: Int, window: Int, keepingSteps: [Int]?
    ) {
        let outCols = keepingSteps?.count ?? cols
        let strip = UnsafeMutablePointer<Float>.allocate(capacity: cols * stripHeight)
        let filtered = UnsafeMutablePointer<Float>.allocate(capacity: outCols * stripHeight)
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: stripHeight)
        defer {
            strip.deallocate()
            filtered.deallocate()
            sums.deallocate()
        }
        var top = 0
        while top < rows {
            let height = min(stripHeight, rows - top)
            // Transpose the strip: column j of the strip becomes `height` contiguous lanes.
            for r in 0..<height {
                let source = input + (top + r) * cols
                for j in 0..<cols {
                    strip[j * height + r] = source[j]
                }
            }
            boxAcrossLanes(strip, filtered, sums: sums, length: cols, lanes: height,
                           window: window, keepingSteps: keepingSteps)
            for r in 0..<height {
                let target = output + (top + r) * outCols
                for j in 0..<outCols {
                    target[j] = filtered[j * height + r]
                }
            }
            top += height
        }
    }

    /// The reference's `box1DFloat`, run on `lanes` independent vectors at once.
    ///
    /// Element `(step s, lane l)` is at `s * lanes + l`; each lane is filtered along the
    /// steps with the same four phases, additions and divisions as the reference, so every
    /// lane's result is bit-identical to the reference's scalar loop. With `keepingSteps`
    /// (ascending, repeats allowed), only those output steps are written, compactly.
    @inline(__always)
    static func boxAcrossLanes(
        _ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>,
        sums: UnsafeMutablePointer<Float>, length: Int, lanes: Int, window: Int,
        keepingSteps: [Int]?
    ) {
        precondition(window >= 1 && window <= length, "box window \(window) does not fit \(length)")
        let halfWindow = (window + 2) / 2
        let phase1 = halfWindow - 1
        let phase2 = window - halfWindow + 1
        let phase3 = length - window
        let phase4 = halfWindow - 1

        for l in 0..<lanes { sums[l] = 0 }
        var readRight = 0, readLeft = 0, written = 0, count = 0
        var nextKept = 0

        // Writes output step `written` (to every slot that keeps it) from the current sums.
        @inline(__always)
        func emit(_ divisor: Float) {
            if let kept = keepingSteps {
                while nextKept < kept.count && kept[nextKept] == written {
                    let target = output + nextKept * lanes
                    for l in 0..<lanes { target[l] = sums[l] / divisor }
                    nextKept += 1
                }
            } else {
                let target = output + written * lanes
                for l in 0..<lanes { target[l] = sums[l] / divisor }
            }
            written += 1
        }

        for _ in 0..<phase1 {
            let add = input + readRight * lanes
            for l in 0..<lanes { sums[l] += add[l] }
            count += 1
            readRight += 1
        }
        for _ in 0..<phase2 {
            let add = input + readRight * lanes
            for l in 0..<lanes { sums[l] += add[l] }
            count += 1
            emit(Float(count))
            readRight += 1
        }
        let fullDivisor = Float(count)
        for _ in 0..<phase3 {
            let add = input + readRight * lanes
            let subtract = input + readLeft * lanes
            for l in 0..<lanes { sums[l] = (sums[l] + add[l]) - subtract[l] }
            emit(fullDivisor)
            readLeft += 1
            readRight += 1
        }
        for _ in 0..<phase4 {
            let subtract = input + readLeft * lanes
            for l in 0..<lanes { sums[l] -= subtract[l] }
            count -= 1
            emit(Float(count))
            readLeft += 1
        }
    }
}
