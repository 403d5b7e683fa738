import Foundation

/// Deterministic pictures for tests: smooth shapes with plenty of detail for PDQ.
public enum TestImages {
    /// RGB pixels (row-major, 3 bytes each) of overlapping sine patterns and a disc; `seed`
    /// changes the picture.
    public static func rgb(width: Int, height: Int, seed: Int = 1) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let s = Double(seed)
        for y in 0..<height {
            for x in 0..<width {
                let u = Double(x) / Double(max(width, 1)), v = Double(y) / Double(max(height, 1))
                let disc = ((u - 0.3 - 0.05 * s).magnitude < 0.2 && (v - 0.6).magnitude < 0.25) ? 90.0 : 0
                let r = 128 + 100 * sin(6.3 * (3 + s) * u + 2 * v) + disc
                let g = 128 + 100 * sin(6.3 * (2 + s) * v - u * s)
                let b = 128 + 60 * sin(6.3 * 5 * (u + v) + s) - disc / 2
                let i = (y * width + x) * 3
                pixels[i] = clamp(r)
                pixels[i + 1] = clamp(g)
                pixels[i + 2] = clamp(b)
            }
        }
        return pixels
    }

    /// A PNG file of ``rgb(width:height:seed:)``.
    public static func png(width: Int, height: Int, seed: Int = 1) -> [UInt8] {
        PNGWriter.rgb(width: width, height: height, pixels: rgb(width: width, height: height, seed: seed))
    }

    private static func clamp(_ value: Double) -> UInt8 {
        UInt8(max(0, min(255, value.rounded())))
    }
}

/// Files that must fail to decode, each for a known reason.
public enum BrokenFiles {
    /// Name, bytes and the error code (as text) a decoder must report.
    public static func corpus(validPNG: [UInt8], validJPEG: [UInt8]?) -> [(name: String, bytes: [UInt8], code: String)] {
        var files: [(String, [UInt8], String)] = [
            ("empty.png", [], "empty"),
            ("text.jpg", Array("this is not an image, only text\n".utf8), "unsupported-format"),
            ("random.bin", (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }, "unsupported-format"),
            ("truncated.png", Array(validPNG.prefix(validPNG.count / 2)), "truncated"),
            ("signature-only.png", Array(validPNG.prefix(8)), "truncated"),
            ("bomb.png", PNGWriter.header(width: 100_000, height: 100_000), "too-large"),
            ("bomb-area.png", PNGWriter.header(width: 30_000, height: 30_000), "too-large"),
            ("bomb.gif", GIFWriter.header(width: 65_535, height: 65_535), "too-large"),
            ("screen-bomb.gif", GIFWriter.screenBomb(), "too-large"),
            ("no-frame.gif", GIFWriter.header(width: 10, height: 10), "corrupt"),
            ("truncated.gif", Array(GIFWriter.gif(width: 16, height: 16, palette: [UInt8](repeating: 7, count: 384),
                                                  indices: [UInt8](repeating: 1, count: 256)).prefix(400)), "truncated"),
            ("riff-only.webp", Array("RIFF\u{10}\0\0\0WEBPVP8 ".utf8), "truncated"),
        ]
        var corruptPNG = validPNG
        corruptPNG[40] ^= 0xFF  // inside IDAT: the CRC no longer matches
        files.append(("bad-crc.png", corruptPNG, "corrupt"))
        if let jpeg = validJPEG {
            files.append(("truncated.jpg", Array(jpeg.prefix(jpeg.count / 3)), "truncated"))
            files.append(("header-only.jpg", Array(jpeg.prefix(200)), "truncated"))
            files.append(("bomb.jpg", patchJPEGSize(jpeg, width: 65_000, height: 65_000), "too-large"))
            // Start-of-scan markers past the end: thousands of progressive scans' worth.
            files.append(("scan-bomb.jpg", jpeg + Array([[UInt8]](repeating: [0xFF, 0xDA, 0, 2], count: 300).joined()), "too-large"))
        }
        return files
    }

    /// The JPEG with its frame header (SOF) claiming another size.
    public static func patchJPEGSize(_ jpeg: [UInt8], width: Int, height: Int) -> [UInt8] {
        var bytes = jpeg
        var i = 2
        while i + 9 < bytes.count, bytes[i] == 0xFF {
            let marker = bytes[i + 1]
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            if (0xC0...0xC2).contains(marker) {
                bytes[i + 5] = UInt8(height >> 8); bytes[i + 6] = UInt8(height & 0xFF)
                bytes[i + 7] = UInt8(width >> 8); bytes[i + 8] = UInt8(width & 0xFF)
                return bytes
            }
            i += 2 + length
        }
        return bytes
    }
}
