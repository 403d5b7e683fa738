/// Bounds on a video: picture size, frame count and decoding time, so a hostile file
/// cannot exhaust memory or hold a worker forever.
public struct VideoLimits: Sendable, Hashable {
    public var maxSide: Int
    public var maxPixels: Int
    public var maxFrames: Int
    /// Seconds a file may take to decode.
    public var timeout: Double

    /// 8,192 pixels a side, 36 megapixels (8K), 2 million frames (18.5 h at 30 fps), one hour.
    public static let `default` = VideoLimits(maxSide: 8192, maxPixels: 36 << 20, maxFrames: 2_000_000, timeout: 3600)

    public init(maxSide: Int, maxPixels: Int, maxFrames: Int, timeout: Double) {
        self.maxSide = maxSide
        self.maxPixels = maxPixels
        self.maxFrames = maxFrames
        self.timeout = timeout
    }
}
