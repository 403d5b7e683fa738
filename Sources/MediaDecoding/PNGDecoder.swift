import CPNGShim

/// PNG: well-formed files through ``PNGFastDecoder``; the rest, and every error, through
/// libpng (its `setjmp` error handling lives in the `CPNGShim` C target).
enum PNGDecoder {
    static func decode(_ bytes: [UInt8], limits: DecodingLimits) throws(ImageDecodingError) -> DecodedImage {
        if let image = PNGFastDecoder.decode(bytes, limits: limits) { return image }
        return try decodeWithLibpng(bytes, limits: limits)
    }

    static func decodeWithLibpng(_ bytes: [UInt8], limits: DecodingLimits) throws(ImageDecodingError) -> DecodedImage {
        let result: Result<DecodedImage, ImageDecodingError> = bytes.withUnsafeBufferPointer { buffer in
            var errorText = [CChar](repeating: 0, count: 256)
            var width: UInt32 = 0, height: UInt32 = 0
            guard cordon_png_read_size(buffer.baseAddress, buffer.count, &width, &height, &errorText) == 0 else {
                return .failure(failure(String(decoding: errorText.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)))
            }
            if let violation = limits.violation(width: Int(width), height: Int(height)) {
                return .failure(violation)
            }
            var image = cordon_png_image()
            let status = cordon_png_decode(buffer.baseAddress, buffer.count, UInt64(limits.maxPixels), &image)
            defer { cordon_png_free(&image) }
            let message = withUnsafeBytes(of: image.error) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard status == 0, let pixels = image.pixels else {
                return .failure(status == -2 ? ImageDecodingError(.tooLarge, message) : failure(message))
            }
            let count = Int(image.width) * Int(image.height) * Int(image.channels)
            return .success(DecodedImage(
                width: Int(image.width), height: Int(image.height), channels: Int(image.channels),
                pixels: Array(UnsafeBufferPointer(start: pixels, count: count))))
        }
        return try result.get()
    }

    private static func failure(_ message: String) -> ImageDecodingError {
        if message.contains("truncated") || message.contains("Not enough image data")
            || message.contains("Read Error")
        {
            return ImageDecodingError(.truncated, "PNG: \(message)")
        }
        return ImageDecodingError(.corrupt, "PNG: \(message)")
    }
}
