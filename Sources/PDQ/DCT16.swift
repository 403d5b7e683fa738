#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The part of the 64 x 64 2D DCT that PDQ keeps: frequencies 1...16 in each direction,
/// computed as `D · A · Dᵀ` with the reference's matrix and summation order.
enum DCT16 {
    /// 16 rows of 64: row `i` is `sqrt(2/64) · cos(π/128 · (i+1) · (2j+1))`, rounded to
    /// `Float` as the reference rounds it (scale factor first rounded to `Float`, product in
    /// `Double`).
    static let matrix: [Float] = {
        let scale = Float((2.0 / 64.0).squareRoot())
        var values = [Float](repeating: 0, count: 16 * 64)
        for i in 0..<16 {
            for j in 0..<64 {
                let angle = (Double.pi / 2.0 / 64.0) * Double(i + 1) * Double(2 * j + 1)
                values[i * 64 + j] = Float(Double(scale) * cos(angle))
            }
        }
        return values
    }()

    /// The 16 x 16 DCT of a 64 x 64 row-major buffer, row-major.
    static func transform(_ a: [Float]) -> [Float] {
        precondition(a.count == 64 * 64)
        let d = matrix
        // T = D · A (16 x 64), each sum in ascending k as the reference adds them.
        var t = [Float](repeating: 0, count: 16 * 64)
        for i in 0..<16 {
            for j in 0..<64 {
                var sum: Float = 0
                for k in 0..<64 {
                    sum += d[i * 64 + k] * a[k * 64 + j]
                }
                t[i * 64 + j] = sum
            }
        }
        // B = T · Dᵀ (16 x 16).
        var b = [Float](repeating: 0, count: 16 * 16)
        for i in 0..<16 {
            for j in 0..<16 {
                var sum: Float = 0
                for k in 0..<64 {
                    sum += t[i * 64 + k] * d[j * 64 + k]
                }
                b[i * 16 + j] = sum
            }
        }
        return b
    }

    /// The DCT of the image turned by `transform`, derived from the original's DCT by
    /// transposing and negating odd frequencies, as the reference derives it.
    static func dihedral(_ dct: [Float], _ transform: DihedralTransform) -> [Float] {
        var out = [Float](repeating: 0, count: 256)
        for i in 0..<16 {
            for j in 0..<16 {
                let value = dct[i * 16 + j]
                let (transpose, negate): (Bool, Bool)
                switch transform {
                case .original: (transpose, negate) = (false, false)
                case .rotate90: (transpose, negate) = (true, j & 1 == 0)
                case .rotate180: (transpose, negate) = (false, (i + j) & 1 == 1)
                case .rotate270: (transpose, negate) = (true, i & 1 == 0)
                case .flipX: (transpose, negate) = (false, i & 1 == 0)
                case .flipY: (transpose, negate) = (false, j & 1 == 0)
                case .flipPlus1: (transpose, negate) = (true, false)
                case .flipMinus1: (transpose, negate) = (true, (i + j) & 1 == 1)
                }
                out[transpose ? j * 16 + i : i * 16 + j] = negate ? -value : value
            }
        }
        return out
    }
}
