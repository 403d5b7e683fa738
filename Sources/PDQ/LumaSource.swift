/// Where the blur reads luminance from, a strip of rows at a time, so an image's luma
/// never has to exist as one full-size buffer.
protocol LumaSource {
    var width: Int { get }
    var height: Int { get }
    /// Writes rows `top ..< top + count` transposed: row `top + r`, column `j` goes to
    /// `strip[j * count + r]`.
    func fillTransposed(top: Int, count: Int, into strip: UnsafeMutablePointer<Float>)
}

extension LumaImage: LumaSource {
    func fillTransposed(top: Int, count: Int, into strip: UnsafeMutablePointer<Float>) {
        values.withUnsafeBufferPointer { values in
            for r in 0..<count {
                let row = values.baseAddress! + (top + r) * width
                for j in 0..<width {
                    strip[j * count + r] = row[j]
                }
            }
        }
    }
}

/// 8-bit grey or RGB-first pixels, turned into luma as the blur asks for them, with exactly
/// ``LumaImage``'s arithmetic.
struct PixelLumaSource: LumaSource {
    let pixels: UnsafePointer<UInt8>
    let width: Int
    let height: Int
    let channels: Int

    func fillTransposed(top: Int, count: Int, into strip: UnsafeMutablePointer<Float>) {
        let r = LumaImage.redWeight, g = LumaImage.greenWeight, b = LumaImage.blueWeight
        for row in 0..<count {
            var p = pixels + (top + row) * width * channels
            if channels == 1 {
                for j in 0..<width {
                    strip[j * count + row] = Float(p[j])
                }
                continue
            }
            for j in 0..<width {
                strip[j * count + row] = (r * Float(p[0]) + g * Float(p[1])) + b * Float(p[2])
                p += channels
            }
        }
    }
}
