/// Bounds that stop a decompression bomb (a small file that claims a huge picture) before
/// any pixel memory is allocated.
public struct DecodingLimits: Sendable, Hashable {
    /// The longest side accepted, in pixels.
    public var maxSide: Int
    /// The most pixels (width x height) accepted.
    public var maxPixels: Int

    /// The most scans a JPEG may have. A progressive file has about ten; each scan makes
    /// the decoder pass over the whole image again, so thousands are a CPU bomb.
    public var maxJPEGScans: Int

    /// 2^15 pixels per side and 256 megapixels: for files an operator hashes on purpose.
    public static let `default` = DecodingLimits(maxSide: 1 << 15, maxPixels: 256 << 20)

    /// For files from others (a server's uploads): 16,384 pixels per side and 50
    /// megapixels — a 48 MP phone photo decodes, a screen of zeros claiming 268 MP does
    /// not. PDQ looks at 512 pixels a side, so nothing larger changes a hash.
    public static let upload = DecodingLimits(maxSide: 1 << 14, maxPixels: 50 << 20)

    public init(maxSide: Int, maxPixels: Int, maxJPEGScans: Int = 256) {
        self.maxSide = maxSide
        self.maxPixels = maxPixels
        self.maxJPEGScans = maxJPEGScans
    }

    /// Throws ``ImageDecodingError/Code/tooLarge`` when `width` x `height` is over a limit.
    public func check(width: Int, height: Int) throws(ImageDecodingError) {
        if let violation = violation(width: width, height: height) { throw violation }
    }

    /// The error ``check(width:height:)`` would throw, or `nil`.
    public func violation(width: Int, height: Int) -> ImageDecodingError? {
        guard width > 0, height > 0 else {
            return ImageDecodingError(.corrupt, "the file declares a \(width)x\(height) image")
        }
        if width > maxSide || height > maxSide {
            return ImageDecodingError(
                .tooLarge,
                "\(width)x\(height) has a side over \(maxSide) pixels; raise the limit if the image is genuine")
        }
        if width * height > maxPixels {
            return ImageDecodingError(
                .tooLarge,
                "\(width)x\(height) is \(width * height) pixels, over the limit of \(maxPixels); raise --max-pixels if the image is genuine")
        }
        return nil
    }
}
