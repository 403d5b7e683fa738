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
