import CWebP

/// WebP (lossy and lossless, still images) through libwebp.
enum WebPDecoder {
    static func decode(_ bytes: [UInt8], limits: DecodingLimits) throws(ImageDecodingError) -> DecodedImage {
        let result: Result<DecodedImage, ImageDecodingError> = bytes.withUnsafeBufferPointer { buffer in
            var features = WebPBitstreamFeatures()
            let status = WebPGetFeatures(buffer.baseAddress, buffer.count, &features)
            guard status == VP8_STATUS_OK else {
                return .failure(status == VP8_STATUS_NOT_ENOUGH_DATA
                    ? ImageDecodingError(.truncated, "WebP: the file ends before the image header does")
                    : ImageDecodingError(.corrupt, "WebP: unreadable header (libwebp status \(status.rawValue))"))
            }
            guard features.has_animation == 0 else {
                return .failure(ImageDecodingError(
                    .unsupportedFormat, "animated WebP is not supported; hash its frames as a video"))
            }
            let width = Int(features.width), height = Int(features.height)
            if let violation = limits.violation(width: width, height: height) {
                return .failure(violation)
            }
            var outWidth: Int32 = 0, outHeight: Int32 = 0
            // RGB output drops alpha and keeps the colours as stored.
            guard let rgb = WebPDecodeRGB(buffer.baseAddress, buffer.count, &outWidth, &outHeight) else {
                return .failure(ImageDecodingError(
                    .corrupt, "WebP: the image data could not be decoded (truncated or damaged)"))
            }
            defer { WebPFree(rgb) }
            let count = Int(outWidth) * Int(outHeight) * 3
            return .success(DecodedImage(
                width: Int(outWidth), height: Int(outHeight), channels: 3,
                pixels: Array(UnsafeBufferPointer(start: rgb, count: count))))
        }
        return try result.get()
    }
}
