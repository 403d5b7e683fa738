@testable import PDQ

/// A line-by-line scalar port of the reference's blur and decimation (one running sum per
/// row, then per column, over full buffers), kept deliberately naive: the optimised
/// ``JaroszFilter`` must give bit-identical results.
enum ReferenceOracle {
    static func box1D(_ input: [Float], _ output: inout [Float], start: Int, length: Int, stride: Int, window: Int) {
        let half = (window + 2) / 2
        var sum: Float = 0
        var count = 0
        var ri = start, li = start, oi = start
        for _ in 0..<(half - 1) { sum += input[ri]; count += 1; ri += stride }
        for _ in 0..<(window - half + 1) {
            sum += input[ri]; count += 1
            output[oi] = sum / Float(count)
            ri += stride; oi += stride
        }
        for _ in 0..<(length - window) {
            sum += input[ri]
            sum -= input[li]
            output[oi] = sum / Float(count)
            li += stride; ri += stride; oi += stride
        }
        for _ in 0..<(half - 1) {
            sum -= input[li]; count -= 1
            output[oi] = sum / Float(count)
            li += stride; oi += stride
        }
    }

    static func blurAndDecimate(_ luma: LumaImage) -> [Float] {
        let rows = luma.height, cols = luma.width
        let rowWindow = (cols + 127) / 128, colWindow = (rows + 127) / 128
        var one = luma.values
        var two = [Float](repeating: 0, count: rows * cols)
        for _ in 0..<2 {
            for i in 0..<rows { box1D(one, &two, start: i * cols, length: cols, stride: 1, window: rowWindow) }
            for j in 0..<cols { box1D(two, &one, start: j, length: rows, stride: cols, window: colWindow) }
        }
        var out = [Float](repeating: 0, count: 64 * 64)
        for i in 0..<64 {
            let ini = Int((Double(i) + 0.5) * Double(rows) / 64)
            for j in 0..<64 {
                let inj = Int((Double(j) + 0.5) * Double(cols) / 64)
                out[i * 64 + j] = one[ini * cols + inj]
            }
        }
        return out
    }
}
