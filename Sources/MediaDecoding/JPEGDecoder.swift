import CTurboJPEG

/// JPEG through libjpeg-turbo's TurboJPEG API, with the library's default (accurate)
/// IDCT and fancy upsampling: the same pixels as ImageMagick, Pillow and the PDQ vectors.
enum JPEGDecoder {
    static func decode(
        _ bytes: [UInt8], limits: DecodingLimits, scale: JPEGScale = .full
    ) throws(ImageDecodingError) -> DecodedImage {
        guard let handle = tjInitDecompress() else {
            throw ImageDecodingError(.corrupt, "JPEG: could not start libjpeg-turbo")
        }
        defer { tjDestroy(handle) }
        let result: Result<DecodedImage, ImageDecodingError> = bytes.withUnsafeBufferPointer { buffer in
            let source = buffer.baseAddress!
            var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
            guard tjDecompressHeader3(handle, source, UInt(buffer.count), &width, &height,
                                      &subsampling, &colorspace) == 0
            else {
                return .failure(failure(handle, fallback: "unreadable header", bytes: buffer))
            }
            if let violation = limits.violation(width: Int(width), height: Int(height)) {
                return .failure(violation)
            }
            // libjpeg-turbo 2.1 has no scan limit of its own.
            let scans = scanCount(buffer)
            if scans > limits.maxJPEGScans {
                return .failure(ImageDecodingError(
                    .tooLarge, "JPEG: \(scans) scans, over the limit of \(limits.maxJPEGScans); a progressive file has about ten"))
            }
            let outWidth = scale.scaled(Int(width)), outHeight = scale.scaled(Int(height))
            let isGrey = colorspace == Int32(TJCS_GRAY.rawValue)
            let isCMYK = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
            let format: TJPF = isGrey ? TJPF_GRAY : isCMYK ? TJPF_CMYK : TJPF_RGB
            let sourceChannels = isGrey ? 1 : isCMYK ? 4 : 3
            var decoded = [UInt8](repeating: 0, count: outWidth * outHeight * sourceChannels)
            let status = decoded.withUnsafeMutableBufferPointer { out in
                tjDecompress2(handle, source, UInt(buffer.count), out.baseAddress, Int32(outWidth), 0,
                              Int32(outHeight), format.rawValue, 0)
            }
            if status != 0 {
                // Warnings (a stray byte between markers, say) still give a full picture;
                // running out of data does not, and neither does a fatal error.
                let message = String(cString: tjGetErrorStr2(handle))
                if tjGetErrorCode(handle) != TJERR_WARNING.rawValue || message.contains("Premature end") {
                    return .failure(failure(handle, fallback: message, bytes: buffer))
                }
            }
            let orientation = ExifOrientation(jpeg: buffer)
            if isCMYK {
                return .success(DecodedImage(
                    width: outWidth, height: outHeight, channels: 3,
                    pixels: CMYKConversion.rgb(fromAdobeCMYK: decoded), orientation: orientation))
            }
            return .success(DecodedImage(
                width: outWidth, height: outHeight, channels: sourceChannels, pixels: decoded,
                orientation: orientation))
        }
        return try result.get()
    }

    /// The stored width and height, from the header alone.
    static func size(of bytes: [UInt8]) throws(ImageDecodingError) -> (width: Int, height: Int) {
        guard let handle = tjInitDecompress() else {
            throw ImageDecodingError(.corrupt, "JPEG: could not start libjpeg-turbo")
        }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let status = bytes.withUnsafeBufferPointer {
            tjDecompressHeader3(handle, $0.baseAddress, UInt($0.count), &width, &height, &subsampling, &colorspace)
        }
        guard status == 0 else {
            throw bytes.withUnsafeBufferPointer { failure(handle, fallback: "unreadable header", bytes: $0) }
        }
        return (Int(width), Int(height))
    }

    /// A failed decode is reported as truncation when the file lacks the end-of-image
    /// marker: that is what a cut-off upload looks like, whatever libjpeg complained about.
    private static func failure(
        _ handle: tjhandle, fallback: String, bytes: UnsafeBufferPointer<UInt8>
    ) -> ImageDecodingError {
        let message = String(cString: tjGetErrorStr2(handle))
        let text = message.isEmpty ? fallback : message
        let endsWithEOI = bytes.count >= 2 && bytes[bytes.count - 2] == 0xFF && bytes[bytes.count - 1] == 0xD9
        if text.contains("Premature end") || !endsWithEOI {
            return ImageDecodingError(.truncated, "JPEG: the file ends before the image does (\(text))")
        }
        return ImageDecodingError(.corrupt, "JPEG: \(text)")
    }
}

/// A reduced decoding scale for JPEG (libjpeg-turbo's DCT scaling): much faster for large
/// photos, at the cost of a few bits of PDQ drift.
public struct JPEGScale: Sendable, Hashable {
    public var numerator: Int
    public var denominator: Int

    public static let full = JPEGScale(numerator: 1, denominator: 1)

    public init(numerator: Int, denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// libjpeg's scaled size: the dimension times the factor, rounded up.
    func scaled(_ dimension: Int) -> Int {
        (dimension * numerator + denominator - 1) / denominator
    }
}

/// CMYK as Adobe writes it in JPEG (inverted) to RGB, the way ImageMagick 6 (Q16) does it,
/// which is what the PDQ vectors were decoded with.
enum CMYKConversion {
    static func rgb(fromAdobeCMYK cmyk: [UInt8]) -> [UInt8] {
        let count = cmyk.count / 4
        var rgb = [UInt8](repeating: 0, count: count * 3)
        let quantumRange = 65535.0
        @inline(__always) func channel(_ inkSample: UInt8, _ blackSample: UInt8) -> UInt8 {
            // ImageMagick reads each inverted sample s as ink = QuantumRange - 257·s, then
            // colour = QuantumRange - (ink·(QuantumRange - black)/QuantumRange + black).
            let ink = quantumRange - 257.0 * Double(inkSample)
            let black = quantumRange - 257.0 * Double(blackSample)
            let value = quantumRange - (ink * (quantumRange - black) / quantumRange + black)
            let quantum = UInt32(max(0, min(quantumRange, value + 0.5)))
            // ScaleQuantumToChar for 16-bit quanta.
            return UInt8(((quantum + 128) - ((quantum + 128) >> 8)) >> 8)
        }
        for i in 0..<count {
            let k = cmyk[i * 4 + 3]
            rgb[i * 3] = channel(cmyk[i * 4], k)
            rgb[i * 3 + 1] = channel(cmyk[i * 4 + 1], k)
            rgb[i * 3 + 2] = channel(cmyk[i * 4 + 2], k)
        }
        return rgb
    }
}

extension JPEGDecoder {
    /// Start-of-scan markers (FF DA) in the file. Entropy-coded data never holds FF followed
    /// by anything but 00 or a restart marker, so every FF DA is a real scan (an EXIF
    /// thumbnail's among them).
    static func scanCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard bytes.count > 1 else { return 0 }
        var count = 0
        for i in 0..<(bytes.count - 1) where bytes[i] == 0xFF && bytes[i + 1] == 0xDA { count += 1 }
        return count
    }
}
