/// The EXIF orientation tag (1...8): how a viewer should turn the stored pixels.
///
/// PDQ hashes the pixels as stored by default, as the reference does; applying the
/// orientation hashes what a phone shows instead.
public enum ExifOrientation: Int, Sendable, CaseIterable, Codable {
    case up = 1
    case upMirrored = 2
    case down = 3
    case downMirrored = 4
    case leftMirrored = 5
    case right = 6
    case rightMirrored = 7
    case left = 8

    /// Reads the orientation from a JPEG's APP1 Exif segment; `.up` when there is none.
    /// Public for the fuzz target: the parser reads offsets from outside input.
    public init(jpeg bytes: UnsafeBufferPointer<UInt8>) {
        self = Self.parse(bytes) ?? .up
    }

    private static func parse(_ b: UnsafeBufferPointer<UInt8>) -> ExifOrientation? {
        var offset = 2  // after SOI
        while offset + 4 <= b.count, b[offset] == 0xFF {
            let marker = b[offset + 1]
            if marker == 0xDA || marker == 0xD9 { return nil }  // image data: no more metadata
            let length = Int(b[offset + 2]) << 8 | Int(b[offset + 3])
            let segment = offset + 4
            if marker == 0xE1, length >= 8, segment + length - 2 <= b.count,
               Array(b[segment..<segment + 6]) == [0x45, 0x78, 0x69, 0x66, 0, 0]
            {
                return parseTIFF(b, start: segment + 6, end: segment + length - 2)
            }
            offset = segment + length - 2
        }
        return nil
    }

    private static func parseTIFF(_ b: UnsafeBufferPointer<UInt8>, start: Int, end: Int) -> ExifOrientation? {
        guard end - start >= 8 else { return nil }
        let littleEndian = b[start] == 0x49
        func u16(_ at: Int) -> Int? {
            guard at >= start, at + 2 <= end else { return nil }
            return littleEndian ? Int(b[at]) | Int(b[at + 1]) << 8 : Int(b[at]) << 8 | Int(b[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let low = u16(littleEndian ? at : at + 2), let high = u16(littleEndian ? at + 2 : at)
            else { return nil }
            return high << 16 | low
        }
        guard let ifd = u32(start + 4), let entries = u16(start + ifd) else { return nil }
        for index in 0..<entries {
            let entry = start + ifd + 2 + index * 12
            guard let tag = u16(entry) else { return nil }
            if tag == 0x0112, let value = u16(entry + 8) {
                return ExifOrientation(rawValue: value)
            }
        }
        return nil
    }
}

extension DecodedImage {
    /// The pixels turned as the EXIF orientation says, so they look as a viewer shows them.
    public func applyingOrientation() -> DecodedImage {
        guard orientation != .up else { return self }
        let transposes = orientation.rawValue >= 5
        let outWidth = transposes ? height : width
        let outHeight = transposes ? width : height
        var out = [UInt8](repeating: 0, count: pixels.count)
        for y in 0..<outHeight {
            for x in 0..<outWidth {
                // The stored pixel shown at (x, y).
                let (sx, sy): (Int, Int)
                switch orientation {
                case .up: (sx, sy) = (x, y)
                case .upMirrored: (sx, sy) = (width - 1 - x, y)
                case .down: (sx, sy) = (width - 1 - x, height - 1 - y)
                case .downMirrored: (sx, sy) = (x, height - 1 - y)
                case .leftMirrored: (sx, sy) = (y, x)
                case .right: (sx, sy) = (y, height - 1 - x)
                case .rightMirrored: (sx, sy) = (width - 1 - y, height - 1 - x)
                case .left: (sx, sy) = (width - 1 - y, x)
                }
                let from = (sy * width + sx) * channels, to = (y * outWidth + x) * channels
                for c in 0..<channels { out[to + c] = pixels[from + c] }
            }
        }
        return DecodedImage(width: outWidth, height: outHeight, channels: channels, pixels: out)
    }
}
