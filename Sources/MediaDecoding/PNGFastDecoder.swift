import CDeflate

/// Well-formed PNGs without libpng: the chunks read here, the image data inflated in one
/// call by libdeflate (several times zlib's speed on whole buffers, and inflating was most
/// of a PNG's decode-and-hash time), the rows unfiltered in Swift.
///
/// It converts exactly as ``PNGDecoder``'s libpng path does (palettes to RGB, 1, 2 and 4-bit
/// grey scaled to 8 bits, 16-bit samples cut to their high byte, alpha dropped). Anything
/// it does not handle the way libpng would — a bad CRC, missing or extra image data, an
/// unknown critical chunk, a palette index past the palette, an image over the limits —
/// makes it answer `nil`, and the caller asks libpng, whose answer (or error) stands.
enum PNGFastDecoder {
    /// The most inflated image data taken in one buffer (libpng reads a row at a time): a
    /// 48-megapixel RGB photo is 145 MB; 16-bit files that large are left to libpng.
    static let maxInflatedBytes = 160 << 20

    private static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Adam7: (first column, first row, column step, row step) of each pass.
    static let adam7: [(x: Int, y: Int, dx: Int, dy: Int)] = [
        (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2),
    ]

    struct Header {
        var width: Int, height: Int, bitDepth: Int, colourType: Int, interlaced: Bool

        /// Samples per pixel as stored.
        var samples: Int { [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][colourType]! }
        var bitsPerPixel: Int { samples * bitDepth }
        /// The distance, in bytes, to the byte of the pixel to the left (at least 1).
        var filterStride: Int { max(1, bitsPerPixel / 8) }
        /// Grey and grey-with-alpha come out as one channel, the rest as RGB.
        var channels: Int { colourType == 0 || colourType == 4 ? 1 : 3 }
        func rowBytes(_ pixels: Int) -> Int { (pixels * bitsPerPixel + 7) / 8 }

        /// The pixel grid of each stored sub-image: one for a plain image, seven for Adam7.
        var passes: [(x: Int, y: Int, dx: Int, dy: Int, width: Int, height: Int)] {
            let layout = interlaced ? PNGFastDecoder.adam7 : [(0, 0, 1, 1)]
            return layout.map { pass in
                (pass.x, pass.y, pass.dx, pass.dy,
                 width > pass.x ? (width - pass.x + pass.dx - 1) / pass.dx : 0,
                 height > pass.y ? (height - pass.y + pass.dy - 1) / pass.dy : 0)
            }
        }

        /// The size of the inflated image data: each non-empty row of each pass, with its filter byte.
        var inflatedSize: Int {
            passes.reduce(0) { $0 + ($1.width == 0 ? 0 : $1.height * (1 + rowBytes($1.width))) }
        }

        init?(_ data: ArraySlice<UInt8>) {
            guard data.count == 13 else { return nil }
            let d = Array(data)
            width = Int(PNGFastDecoder.bigEndian(d, 0))
            height = Int(PNGFastDecoder.bigEndian(d, 4))
            bitDepth = Int(d[8])
            colourType = Int(d[9])
            interlaced = d[12] == 1
            let depths: [Int: Set<Int>] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
            guard width > 0, height > 0, width < 1 << 31, height < 1 << 31, depths[colourType]?.contains(bitDepth) == true,
                  d[10] == 0, d[11] == 0, d[12] <= 1
            else { return nil }
        }
    }

    static func bigEndian(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }

    /// The image, or `nil` when libpng should decide.
    static func decode(_ bytes: [UInt8], limits: DecodingLimits) -> DecodedImage? {
        guard bytes.count > 8, bytes.prefix(8).elementsEqual(signature) else { return nil }
        var header: Header?
        var palette: [UInt8] = []
        var imageData: [UInt8] = []
        var offset = 8, sawPalette = false, sawData = false, dataEnded = false, ended = false
        while !ended {
            guard bytes.count - offset >= 12 else { return nil }
            let length = Int(bigEndian(bytes, offset))
            guard length <= bytes.count - offset - 12 else { return nil }
            let stored = bigEndian(bytes, offset + 8 + length)
            let computed = bytes.withUnsafeBufferPointer { UInt32(libdeflate_crc32(0, $0.baseAddress! + offset + 4, length + 4)) }
            guard stored == computed else { return nil }
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            let ancillary = bytes[offset + 4] & 0x20 != 0
            let data = bytes[offset + 8..<offset + 8 + length]
            offset += 12 + length
            if type != "IDAT", sawData { dataEnded = true }
            switch type {
            case "IHDR":
                guard header == nil, let parsed = Header(data) else { return nil }
                header = parsed
            case "PLTE":
                guard let header, header.colourType == 3 || header.colourType == 2 || header.colourType == 6,
                      !sawPalette, !sawData, length % 3 == 0, length > 0, length <= 768
                else { return nil }
                sawPalette = true
                if header.colourType == 3 { palette = Array(data.prefix(3 << header.bitDepth)) }
            case "IDAT":
                guard header != nil, !dataEnded else { return nil }
                sawData = true
                imageData += data
            case "IEND":
                ended = true
            default:
                // An unknown critical chunk is an error to libpng; ancillary ones change nothing here.
                guard header != nil, ancillary else { return nil }
            }
        }
        guard let header, sawData, header.colourType != 3 || !palette.isEmpty,
              limits.violation(width: header.width, height: header.height) == nil,
              header.inflatedSize <= maxInflatedBytes
        else { return nil }
        guard var inflated = inflate(imageData, size: header.inflatedSize) else { return nil }
        return convert(&inflated, header, palette: palette)
    }

    /// The zlib stream inflated to exactly `size` bytes: not one byte more or less, and no
    /// bytes after the stream (libpng warns and carries on there; it decides those files).
    static func inflate(_ compressed: [UInt8], size: Int) -> [UInt8]? {
        guard let decompressor = libdeflate_alloc_decompressor() else { return nil }
        defer { libdeflate_free_decompressor(decompressor) }
        var read = 0, written = 0
        var out = [UInt8](repeating: 0, count: size)
        let result = compressed.withUnsafeBytes { input in
            out.withUnsafeMutableBytes { output in
                libdeflate_zlib_decompress_ex(decompressor, input.baseAddress, input.count, output.baseAddress, size, &read, &written)
            }
        }
        guard result == LIBDEFLATE_SUCCESS, read == compressed.count, written == size else { return nil }
        return out
    }

    /// Unfilters each pass in place, then writes its pixels into the image.
    static func convert(_ data: inout [UInt8], _ header: Header, palette: [UInt8]) -> DecodedImage? {
        let channels = header.channels
        var pixels = [UInt8](repeating: 0, count: header.width * header.height * channels)
        var start = 0
        var paletteIndexTooHigh = false
        let paletteEntries = palette.count / 3
        let ok = data.withUnsafeMutableBufferPointer { inflated in
            pixels.withUnsafeMutableBufferPointer { image in
                for pass in header.passes where pass.width > 0 && pass.height > 0 {
                    let rowBytes = header.rowBytes(pass.width)
                    for row in 0..<pass.height {
                        let at = start + row * (rowBytes + 1)
                        let current = inflated.baseAddress! + at + 1
                        let previous = row == 0 ? nil : UnsafePointer(current - rowBytes - 1)
                        guard PNGRowFilter.unfilter(inflated[at], current, previous: previous, count: rowBytes,
                                                    stride: header.filterStride)
                        else { return false }
                        let y = pass.y + row * pass.dy
                        let out = image.baseAddress! + (y * header.width) * channels
                        if header.colourType == 3 {
                            paletteIndexTooHigh = paletteIndexTooHigh || !expandPalette(
                                current, pass: pass, depth: header.bitDepth, palette: palette, entries: paletteEntries, into: out)
                        } else {
                            copySamples(current, pass: pass, header: header, into: out)
                        }
                    }
                    start += pass.height * (rowBytes + 1)
                }
                return true
            }
        }
        guard ok, !paletteIndexTooHigh else { return nil }
        return DecodedImage(width: header.width, height: header.height, channels: channels, pixels: pixels)
    }

    /// The sample at `index` of a row packed `depth` bits per sample (1, 2 or 4), most
    /// significant bits first.
    @inline(__always)
    static func packed(_ row: UnsafePointer<UInt8>, _ index: Int, depth: Int) -> Int {
        let bit = index * depth
        return Int(row[bit >> 3] >> UInt8(8 - depth - (bit & 7))) & ((1 << depth) - 1)
    }

    /// One row of a palette image as RGB; false if an index is past the palette.
    static func expandPalette(_ row: UnsafePointer<UInt8>, pass: (x: Int, y: Int, dx: Int, dy: Int, width: Int, height: Int),
                              depth: Int, palette: [UInt8], entries: Int, into out: UnsafeMutablePointer<UInt8>) -> Bool {
        var highest = 0
        palette.withUnsafeBufferPointer { colours in
            for i in 0..<pass.width {
                let index = depth == 8 ? Int(row[i]) : packed(row, i, depth: depth)
                highest = max(highest, index)
                guard index < entries else { continue }
                let o = out + (pass.x + i * pass.dx) * 3
                o[0] = colours[index * 3]
                o[1] = colours[index * 3 + 1]
                o[2] = colours[index * 3 + 2]
            }
        }
        return highest < entries
    }

    /// One row of grey, grey-and-alpha, RGB or RGBA samples as 8-bit grey or RGB.
    static func copySamples(_ row: UnsafePointer<UInt8>, pass: (x: Int, y: Int, dx: Int, dy: Int, width: Int, height: Int),
                            header: Header, into out: UnsafeMutablePointer<UInt8>) {
        let channels = header.channels
        if header.bitDepth < 8 {
            let scale = UInt8(255 / ((1 << header.bitDepth) - 1))
            for i in 0..<pass.width {
                out[pass.x + i * pass.dx] = UInt8(packed(row, i, depth: header.bitDepth)) &* scale
            }
            return
        }
        // Bytes per stored pixel; a 16-bit sample's high byte comes first.
        let bytesPerSample = header.bitDepth / 8
        let stride = header.samples * bytesPerSample
        if pass.dx == 1, stride == channels {
            (out + pass.x * channels).update(from: row, count: pass.width * channels)
            return
        }
        for i in 0..<pass.width {
            let source = row + i * stride
            let o = out + (pass.x + i * pass.dx) * channels
            for c in 0..<channels { o[c] = source[c * bytesPerSample] }
        }
    }
}
