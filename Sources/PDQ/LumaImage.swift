/// The luminance plane PDQ hashes: one `Float` per pixel, row-major.
///
/// Built from 8-bit pixels exactly as the reference builds it, so hashes are bit-exact:
/// RGB gives `0.299·R + 0.587·G + 0.114·B` in 32-bit float, evaluated left to right
/// without fused multiply-add; grey gives the grey value itself (not the RGB formula on
/// three equal channels, which can differ in the last bit).
public struct LumaImage: Sendable {
    public let width: Int
    public let height: Int
    /// `height` rows of `width` values.
    public var values: [Float]

    /// Wraps luminance values that are already computed.
    public init(width: Int, height: Int, values: [Float]) {
        precondition(width >= 0 && height >= 0 && values.count == width * height,
                     "a \(width)x\(height) luma plane needs \(width * height) values, got \(values.count)")
        self.width = width
        self.height = height
        self.values = values
    }

    /// Builds the plane from interleaved 8-bit pixels with 1 (grey) or 3 or more
    /// (R, G, B first; anything after, such as alpha, is ignored) channels.
    public init(pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int, channels: Int) {
        precondition(channels >= 1 && channels != 2, "PDQ takes grey (1) or RGB-first (3+) pixels")
        precondition(pixels.count >= width * height * channels, "pixel buffer too small")
        self.width = width
        self.height = height
        let count = width * height
        guard let base = pixels.baseAddress, count > 0 else {
            self.values = []
            return
        }
        let source = PixelLumaSource(pixels: base, width: width, height: height, channels: channels)
        self.values = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            // One row at a time: a one-row strip is the row itself.
            for y in 0..<height {
                source.fillTransposed(top: y, count: 1, into: out.baseAddress! + y * width)
            }
            initialized = count
        }
    }

    /// Builds the plane from an array of interleaved 8-bit pixels.
    public init(pixels: [UInt8], width: Int, height: Int, channels: Int) {
        self = pixels.withUnsafeBufferPointer {
            LumaImage(pixels: $0, width: width, height: height, channels: channels)
        }
    }

    static let redWeight: Float = 0.299
    static let greenWeight: Float = 0.587
    static let blueWeight: Float = 0.114
}
