/// The reference's blur-and-decimate (two passes of a Jarosz box filter along rows, then
/// along columns, then sampling 64 x 64 pixels), reorganised for speed without changing
/// any value.
///
/// The reference runs one running-sum box filter per row, then one per column, over whole
/// image buffers. A running sum is a chain of dependent float additions, so each output
/// depends on the exact order of every addition before it. Here many chains run side by
/// side as SIMD lanes, each lane doing exactly the reference's additions and divisions in
/// the reference's order:
/// - row passes take a strip of 16 rows in column order, so the rows become lanes;
/// - column passes run all columns at once over contiguous rows;
/// - the stages stream: luma is computed a strip at a time, the first column pass keeps
///   only the rows its window still needs, and each of its output rows goes straight into
///   the second row pass. No full-size buffer exists, so the working set stays in cache.
/// - the second pass writes only the 64 x 64 samples the decimation keeps (its running
///   sums still cover every pixel, so the kept values are unchanged).
///
/// `PDQHasherTests.optimisedBlurEqualsTheScalarReference` checks this against a naive
/// port of the reference, bit for bit.
enum JaroszFilter {
    /// The reference's window: half of the input span per output pixel, rounded up.
    static func windowSize(old: Int, new: Int) -> Int {
        (old + 2 * new - 1) / (2 * new)
    }

    /// The input index the reference's decimation samples for each output index.
    static func decimationIndices(input: Int, output: Int) -> [Int] {
        (0..<output).map { Int((Double($0) + 0.5) * Double(input) / Double(output)) }
    }

    /// Rows of a strip that a row pass turns into lanes at once.
    static let stripHeight = 16

    /// Blurs `luma` twice along rows and columns and decimates to `size` x `size`
    /// (row-major), exactly as the reference's `jaroszFilterFloat` + `decimateFloat`.
    static func blurAndDecimate(_ luma: LumaImage, size: Int = 64) -> [Float] {
        blurAndDecimate(source: luma, size: size)
    }

    static func blurAndDecimate(source: some LumaSource, size: Int = 64) -> [Float] {
        let rows = source.height, cols = source.width
        let rowWindow = windowSize(old: cols, new: size)
        let colWindow = windowSize(old: rows, new: size)
        let keptCols = decimationIndices(input: cols, output: size)
        let keptRows = decimationIndices(input: rows, output: size)
        let strip = stripHeight

        // Pass 1 along rows, produced a strip at a time into a ring of rows that holds
        // what the column window still needs.
        let ringRows = colWindow + 1 + strip
        let ring = Scratch(ringRows * cols)
        let stripIn = Scratch(cols * strip), stripOut = Scratch(cols * strip)
        let rowSums = Scratch(strip)
        var produced = 0
        func produce(through row: Int) {
            while produced <= row {
                let count = min(strip, rows - produced)
                source.fillTransposed(top: produced, count: count, into: stripIn.base)
                boxAcrossLanes(length: cols, lanes: count, window: rowWindow, sums: rowSums.base,
                               row: { UnsafePointer(stripIn.base + $0 * count) },
                               emit: { step, sums, divisor in
                                   let target = stripOut.base + step * count
                                   for l in 0..<count { target[l] = sums[l] / divisor }
                               })
                for r in 0..<count {
                    let target = ring.base + ((produced + r) % ringRows) * cols
                    for j in 0..<cols { target[j] = stripOut.base[j * count + r] }
                }
                produced += count
            }
        }

        // Pass 1 along columns; its output rows are gathered in blocks of `strip` rows for
        // pass 2 along rows, which keeps only the sampled columns: a rows x size matrix.
        let narrowed = Scratch(rows * size)
        let block = Scratch(strip * cols)
        let columnSums = Scratch(cols)
        var blockTop = 0
        func flushBlock(through row: Int) {
            let count = row + 1 - blockTop
            for r in 0..<count {
                let source = block.base + r * cols
                for j in 0..<cols { stripIn.base[j * count + r] = source[j] }
            }
            var nextKept = 0
            boxAcrossLanes(length: cols, lanes: count, window: rowWindow, sums: rowSums.base,
                           row: { UnsafePointer(stripIn.base + $0 * count) },
                           emit: { step, sums, divisor in
                               while nextKept < size && keptCols[nextKept] == step {
                                   for l in 0..<count {
                                       narrowed.base[(blockTop + l) * size + nextKept] = sums[l] / divisor
                                   }
                                   nextKept += 1
                               }
                           })
            blockTop = row + 1
        }
        boxAcrossLanes(length: rows, lanes: cols, window: colWindow, sums: columnSums.base,
                       row: { step in
                           produce(through: step)
                           return UnsafePointer(ring.base + (step % ringRows) * cols)
                       },
                       emit: { step, sums, divisor in
                           let target = block.base + (step - blockTop) * cols
                           for l in 0..<cols { target[l] = sums[l] / divisor }
                           if step - blockTop == strip - 1 || step == rows - 1 { flushBlock(through: step) }
                       })

        // Pass 2 along columns, on the sampled columns only, keeping the sampled rows.
        var result = [Float](repeating: 0, count: size * size)
        let finalSums = Scratch(size)
        result.withUnsafeMutableBufferPointer { out in
            var nextKept = 0
            boxAcrossLanes(length: rows, lanes: size, window: colWindow, sums: finalSums.base,
                           row: { UnsafePointer(narrowed.base + $0 * size) },
                           emit: { step, sums, divisor in
                               while nextKept < size && keptRows[nextKept] == step {
                                   let target = out.baseAddress! + nextKept * size
                                   for l in 0..<size { target[l] = sums[l] / divisor }
                                   nextKept += 1
                               }
                           })
        }
        return result
    }

    /// The reference's `box1DFloat`, run on `lanes` independent vectors at once.
    ///
    /// `row(s)` gives the `lanes` inputs of step `s`; `emit(s, sums, divisor)` receives the
    /// running sums for output step `s`, whose outputs are `sums[l] / divisor`. Each lane
    /// sees the reference's four phases, additions and divisions in the reference's order.
    @inline(__always)
    static func boxAcrossLanes(
        length: Int, lanes: Int, window: Int, sums: UnsafeMutablePointer<Float>,
        row: (Int) -> UnsafePointer<Float>,
        emit: (Int, UnsafeMutablePointer<Float>, Float) -> Void
    ) {
        precondition(window >= 1 && window <= length, "box window \(window) does not fit \(length)")
        let halfWindow = (window + 2) / 2
        let phase1 = halfWindow - 1
        let phase2 = window - halfWindow + 1
        let phase3 = length - window
        let phase4 = halfWindow - 1

        for l in 0..<lanes { sums[l] = 0 }
        var readRight = 0, readLeft = 0, written = 0, count = 0
        for _ in 0..<phase1 {
            let add = row(readRight)
            for l in 0..<lanes { sums[l] += add[l] }
            count += 1
            readRight += 1
        }
        for _ in 0..<phase2 {
            let add = row(readRight)
            for l in 0..<lanes { sums[l] += add[l] }
            count += 1
            emit(written, sums, Float(count))
            written += 1
            readRight += 1
        }
        let fullDivisor = Float(count)
        for _ in 0..<phase3 {
            let add = row(readRight)
            let subtract = row(readLeft)
            for l in 0..<lanes { sums[l] = (sums[l] + add[l]) - subtract[l] }
            emit(written, sums, fullDivisor)
            written += 1
            readLeft += 1
            readRight += 1
        }
        for _ in 0..<phase4 {
            let subtract = row(readLeft)
            for l in 0..<lanes { sums[l] -= subtract[l] }
            count -= 1
            emit(written, sums, Float(count))
            written += 1
            readLeft += 1
        }
    }
}

/// An uninitialised float buffer freed with its owner: the filter's working memory.
final class Scratch {
    let base: UnsafeMutablePointer<Float>

    init(_ count: Int) {
        base = .allocate(capacity: max(count, 1))
    }

    deinit { base.deallocate() }
}
