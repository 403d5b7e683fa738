import CGIF

/// GIF through giflib: the first frame, drawn on the logical screen filled with the
/// background colour, with palette indices turned into RGB.
enum GIFDecoder {
    /// The bytes giflib reads, handed to its C callback through `UserData`.
    private final class Source {
        let bytes: [UInt8]
        var offset = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    static func decode(_ bytes: [UInt8], limits: DecodingLimits) throws(ImageDecodingError) -> DecodedImage {
        let source = Source(bytes)
        var error: Int32 = 0
        let opened = withExtendedLifetime(source) {
            DGifOpen(Unmanaged.passUnretained(source).toOpaque(), { gif, out, wanted in
                guard let gif, let out, wanted >= 0 else { return 0 }
                let source = Unmanaged<Source>.fromOpaque(gif.pointee.UserData).takeUnretainedValue()
                let count = min(Int(wanted), source.bytes.count - source.offset)
                source.bytes.withUnsafeBufferPointer { buffer in
                    out.update(from: buffer.baseAddress! + source.offset, count: count)
                }
                source.offset += count
                return Int32(count)
            }, &error)
        }
        guard let gif = opened else {
            throw failure(error)
        }
        defer { _ = DGifCloseFile(gif, &error) }
        return try withExtendedLifetime(source) { () throws(ImageDecodingError) -> DecodedImage in
            try firstFrame(gif, limits: limits)
        }
    }

    private static func firstFrame(
        _ gif: UnsafeMutablePointer<GifFileType>, limits: DecodingLimits
    ) throws(ImageDecodingError) -> DecodedImage {
        let screenWidth = Int(gif.pointee.SWidth), screenHeight = Int(gif.pointee.SHeight)
        try limits.check(width: screenWidth, height: screenHeight)
        var record = UNDEFINED_RECORD_TYPE
        repeat {
            guard DGifGetRecordType(gif, &record) == GIF_OK else { throw failure(gif.pointee.Error) }
            switch record {
            case IMAGE_DESC_RECORD_TYPE:
                guard DGifGetImageDesc(gif) == GIF_OK else { throw failure(gif.pointee.Error) }
                let desc = gif.pointee.Image
                let left = Int(desc.Left), top = Int(desc.Top)
                let width = Int(desc.Width), height = Int(desc.Height)
                try limits.check(width: width, height: height)
                // 35 bytes can declare a 268-megapixel screen around a 1x1 frame: the
                // canvas is allocated only for a frame that covers a fair part of it.
                let screenPixels = screenWidth * screenHeight
                if screenPixels > 1 << 20, width * height * 16 < screenPixels {
                    throw ImageDecodingError(.tooLarge, "GIF: a \(screenWidth)x\(screenHeight) screen around a \(width)x\(height) first frame; refused as a decompression bomb")
                }
                var canvas = [UInt8](repeating: 0, count: screenPixels * 3)
                if let global = gif.pointee.SColorMap, Int(gif.pointee.SBackGroundColor) < Int(global.pointee.ColorCount) {
                    let background = global.pointee.Colors[Int(gif.pointee.SBackGroundColor)]
                    for i in 0..<screenPixels {
                        canvas[i * 3] = background.Red
                        canvas[i * 3 + 1] = background.Green
                        canvas[i * 3 + 2] = background.Blue
                    }
                }
                guard let map = desc.ColorMap ?? gif.pointee.SColorMap else {
                    throw ImageDecodingError(.corrupt, "GIF: the first frame has no colour table")
                }
                let colors = UnsafeBufferPointer(start: map.pointee.Colors, count: Int(map.pointee.ColorCount))
                // Interlaced frames arrive in four passes of rows.
                let rowOrder: [Int] = desc.Interlace
                    ? [(0, 8), (4, 8), (2, 4), (1, 2)].flatMap { start, step in Array(stride(from: start, to: height, by: step)) }
                    : Array(0..<height)
                var line = [GifPixelType](repeating: 0, count: width)
                for y in rowOrder {
                    guard DGifGetLine(gif, &line, Int32(width)) == GIF_OK else {
                        throw failure(gif.pointee.Error)
                    }
                    let canvasY = top + y
                    guard canvasY >= 0, canvasY < screenHeight else { continue }
                    for x in 0..<width where left + x >= 0 && left + x < screenWidth {
                        let index = Int(line[x])
                        guard index < colors.count else { continue }
                        let target = (canvasY * screenWidth + left + x) * 3
                        canvas[target] = colors[index].Red
                        canvas[target + 1] = colors[index].Green
                        canvas[target + 2] = colors[index].Blue
                    }
                }
                return DecodedImage(width: screenWidth, height: screenHeight, channels: 3, pixels: canvas)
            case EXTENSION_RECORD_TYPE:
                var code: Int32 = 0
                var block: UnsafeMutablePointer<GifByteType>?
                guard DGifGetExtension(gif, &code, &block) == GIF_OK else { throw failure(gif.pointee.Error) }
                while block != nil {
                    guard DGifGetExtensionNext(gif, &block) == GIF_OK else { throw failure(gif.pointee.Error) }
                }
            default:
                break
            }
        } while record != TERMINATE_RECORD_TYPE
        throw ImageDecodingError(.corrupt, "GIF: the file has no image")
    }

    private static func failure(_ code: Int32) -> ImageDecodingError {
        let text = GifErrorString(code).map { String(cString: $0) } ?? "giflib error \(code)"
        if code == D_GIF_ERR_READ_FAILED || code == D_GIF_ERR_EOF_TOO_SOON {
            return ImageDecodingError(.truncated, "GIF: the file ends before the image does (\(text))")
        }
        return ImageDecodingError(.corrupt, "GIF: \(text)")
    }
}
