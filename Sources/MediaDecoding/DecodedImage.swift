/// 8-bit pixels as a person sees them: grey (1 channel) or RGB (3 channels), interleaved,
/// row-major, no padding.
public struct DecodedImage: Sendable {
    public var width: Int
    public var height: Int
    /// 1 for grey, 3 for RGB.
    public var channels: Int
    public var pixels: [UInt8]
    /// The EXIF orientation the file declares (JPEG only); the pixels are as stored.
    public var orientation: ExifOrientation

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8],
                orientation: ExifOrientation = .up) {
        precondition(channels == 1 || channels == 3, "DecodedImage holds grey or RGB pixels")
        precondition(pixels.count == width * height * channels,
                     "\(width)x\(height)x\(channels) needs \(width * height * channels) bytes")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
        self.orientation = orientation
    }
}

extension DecodedImage {
    /// One grey channel when every RGB pixel has R = G = B, as ImageMagick (and so the PDQ
    /// vectors) treat such images: a colour JPEG of a black-and-white photo hashes as grey,
    /// whose luma is the grey value itself rather than the RGB formula's rounding of it.
    func greyIfColourless() -> DecodedImage {
        guard channels == 3 else { return self }
        let count = width * height
        let colourless = pixels.withUnsafeBufferPointer { p in
            var i = 0
            while i < count {
                if p[i * 3] != p[i * 3 + 1] || p[i * 3] != p[i * 3 + 2] { return false }
                i += 1
            }
            return true
        }
        guard colourless else { return self }
        return DecodedImage(
            width: width, height: height, channels: 1,
            pixels: (0..<count).map { pixels[$0 * 3] }, orientation: orientation)
    }
}
