import CDeflate

/// Writes PNG files byte by byte, so tests can make every colour type, bit depth, filter
/// and interlace without an encoder library: stored deflate, or libdeflate's compressor.
public enum PNGWriter {
    public enum ColorType: UInt8, Sendable {
        case grey = 0, rgb = 2, palette = 3, greyAlpha = 4, rgba = 6
    }

    /// A PNG of `width` x `height` whose rows are `rows` (already packed at `bitDepth`,
    /// without the filter byte). `palette` is RGB triples for `.palette`.
    public static func png(
        width: Int, height: Int, bitDepth: UInt8, colorType: ColorType, rows: [[UInt8]],
        palette: [UInt8]? = nil, transparency: [UInt8]? = nil
    ) -> [UInt8] {
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        out += chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [bitDepth, colorType.rawValue, 0, 0, 0])
        if let palette { out += chunk("PLTE", palette) }
        if let transparency { out += chunk("tRNS", transparency) }
        var raw: [UInt8] = []
        for row in rows { raw += [0] + row }
        out += chunk("IDAT", zlibStored(raw))
        out += chunk("IEND", [])
        return out
    }

    /// Only the signature and an IHDR claiming `width` x `height`: a decompression bomb's
    /// header, which a decoder must refuse before allocating anything.
    public static func header(width: UInt32, height: UInt32) -> [UInt8] {
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + chunk("IHDR", be32(width) + be32(height) + [8, 2, 0, 0, 0])
            + chunk("IDAT", zlibStored([0, 0, 0, 0]))
    }

    /// An 8-bit RGB PNG of the given pixels (3 bytes each, row-major).
    public static func rgb(width: Int, height: Int, pixels: [UInt8]) -> [UInt8] {
        png(width: width, height: height, bitDepth: 8, colorType: .rgb,
            rows: (0..<height).map { Array(pixels[($0 * width * 3)..<(($0 + 1) * width * 3)]) })
    }

    /// A PNG of `samples` (per pixel: 1 for grey and palette, 2 grey and alpha, 3 RGB, 4
    /// RGBA; each below 2^bitDepth; row-major), Adam7-interlaced if asked, each stored row
    /// filtered with the next of `filters` (cycled), compressed by libdeflate at `level`,
    /// the data split over `dataChunks` IDAT chunks.
    public static func png(
        width: Int, height: Int, bitDepth: Int, colorType: ColorType, samples: [UInt16], palette: [UInt8]? = nil,
        interlaced: Bool = false, filters: [UInt8] = [0], level: Int32 = 6, dataChunks: Int = 1
    ) -> [UInt8] {
        let perPixel = [ColorType.grey: 1, .rgb: 3, .palette: 1, .greyAlpha: 2, .rgba: 4][colorType]!
        let bitsPerPixel = perPixel * bitDepth, left = max(1, bitsPerPixel / 8)
        let passes = interlaced
            ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)] : [(0, 0, 1, 1)]
        var raw: [UInt8] = [], filterTurn = 0
        for (x0, y0, dx, dy) in passes {
            let columns = Array(stride(from: x0, to: width, by: dx)), rows = Array(stride(from: y0, to: height, by: dy))
            guard !columns.isEmpty else { continue }
            var above = [UInt8](repeating: 0, count: (columns.count * bitsPerPixel + 7) / 8)
            for y in rows {
                var row = [UInt8](repeating: 0, count: above.count)
                var bit = 0
                for x in columns {
                    for s in 0..<perPixel {
                        let value = samples[(y * width + x) * perPixel + s]
                        switch bitDepth {
                        case 16: row[bit / 8] = UInt8(value >> 8); row[bit / 8 + 1] = UInt8(value & 0xFF)
                        case 8: row[bit / 8] = UInt8(value)
                        default: row[bit / 8] |= UInt8(value) << (8 - bitDepth - bit % 8)
                        }
                        bit += bitDepth
                    }
                }
                let filter = filters[filterTurn % filters.count]
                filterTurn += 1
                raw.append(filter)
                for i in row.indices {
                    let a = i >= left ? Int(row[i - left]) : 0, b = Int(above[i]), c = i >= left ? Int(above[i - left]) : 0
                    let predicted = switch filter {
                    case 1: a
                    case 2: b
                    case 3: (a + b) / 2
                    case 4: abs(b - c) <= abs(a - c) && abs(b - c) <= abs(a + b - 2 * c) ? a : abs(a - c) <= abs(a + b - 2 * c) ? b : c
                    default: 0
                    }
                    raw.append(row[i] &- UInt8(predicted))
                }
                above = row
            }
        }
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        out += chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [UInt8(bitDepth), colorType.rawValue, 0, 0, interlaced ? 1 : 0])
        if let palette { out += chunk("PLTE", palette) }
        let data = deflate(raw, level: level)
        let size = (data.count + dataChunks - 1) / dataChunks
        for start in stride(from: 0, to: data.count, by: max(1, size)) {
            out += chunk("IDAT", Array(data[start..<min(data.count, start + size)]))
        }
        return out + chunk("IEND", [])
    }

    /// A zlib stream of `data` from libdeflate at `level` (0 stores).
    public static func deflate(_ data: [UInt8], level: Int32) -> [UInt8] {
        let compressor = libdeflate_alloc_compressor(level)!
        defer { libdeflate_free_compressor(compressor) }
        var out = [UInt8](repeating: 0, count: libdeflate_zlib_compress_bound(compressor, data.count))
        let written = data.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { libdeflate_zlib_compress(compressor, input.baseAddress, input.count, $0.baseAddress, $0.count) }
        }
        return Array(out.prefix(written))
    }

    public static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return be32(UInt32(data.count)) + body + be32(CRC32.checksum(body))
    }

    public static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65535, data.count - offset)
            let final: UInt8 = offset + length == data.count ? 1 : 0
            out += [final, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            out += data[offset..<offset + length]
            offset += length
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return out + be32(b << 16 | a)
    }
}
