/// Turns image files into ``DecodedImage`` pixels through Debian's C libraries:
/// libjpeg-turbo (JPEG, including greyscale and CMYK), libpng, libwebp and giflib.
///
/// Colour handling follows what a person sees, as the PDQ vectors expect: palettes become
/// RGB, CMYK is converted the way ImageMagick converts it, 16-bit samples keep their high
/// byte, alpha is dropped with colours kept as stored, grey stays one channel.
public struct ImageDecoder: Sendable {
    public var limits: DecodingLimits

    public init(limits: DecodingLimits = .default) {
        self.limits = limits
    }

    /// Decodes `bytes`; the format is recognised from the content.
    public func decode(_ bytes: [UInt8]) throws(ImageDecodingError) -> DecodedImage {
        guard !bytes.isEmpty else {
            throw ImageDecodingError(.empty, "the file is empty (0 bytes)")
        }
        guard let format = ImageFormat(sniffing: bytes) else {
            throw ImageDecodingError(
                .unsupportedFormat,
                "not a JPEG, PNG, GIF or WebP image (unrecognised signature)")
        }
        return try decode(bytes, as: format)
    }

    /// Decodes `bytes` as `format`.
    public func decode(_ bytes: [UInt8], as format: ImageFormat) throws(ImageDecodingError) -> DecodedImage {
        let image: DecodedImage =
            switch format {
            case .jpeg: try JPEGDecoder.decode(bytes, limits: limits)
            case .png: try PNGDecoder.decode(bytes, limits: limits)
            case .gif: try GIFDecoder.decode(bytes, limits: limits)
            case .webp: try WebPDecoder.decode(bytes, limits: limits)
            }
        return image.greyIfColourless()
    }
}

extension ImageDecoder {
    /// Decodes a JPEG at the smallest libjpeg-turbo DCT scale (1/8 ... 1) that keeps both
    /// sides at least `side` pixels (or full size when the image is smaller).
    public func decodeJPEG(_ bytes: [UInt8], targetingAtLeast side: Int) throws(ImageDecodingError) -> DecodedImage {
        let size = try JPEGDecoder.size(of: bytes)
        let scale = [8, 4, 2].lazy
            .map { JPEGScale(numerator: 1, denominator: $0) }
            .first { $0.scaled(size.width) >= side && $0.scaled(size.height) >= side } ?? .full
        return try JPEGDecoder.decode(bytes, limits: limits, scale: scale).greyIfColourless()
    }
}
