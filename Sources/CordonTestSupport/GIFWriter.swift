/// Writes GIF files with uncompressed LZW (a clear code before the table grows), so tests
/// can make palette images and frames without an encoder library.
public enum GIFWriter {
    /// A GIF whose first frame is `indices` (row-major, one palette index per pixel) over a
    /// `palette` of up to 128 RGB triples, optionally followed by a second frame.
    public static func gif(
        width: Int, height: Int, palette: [UInt8], indices: [UInt8], secondFrame: [UInt8]? = nil
    ) -> [UInt8] {
        precondition(palette.count == 128 * 3, "pad the palette to 128 colours")
        var out = Array("GIF89a".utf8)
        out += le16(width) + le16(height) + [0xF6, 0, 0]  // global table of 128 entries
        out += palette
        for frame in [indices] + (secondFrame.map { [$0] } ?? []) {
            out += [0x2C] + le16(0) + le16(0) + le16(width) + le16(height) + [0]
            out += [7]  // minimum code size: 7 bits (codes are 8 bits wide)
            out += subBlocks(uncompressedLZW(frame, codeSize: 7))
        }
        out += [0x3B]
        return out
    }

    /// Just a logical screen of `width` x `height` and no image: a bomb's header.
    public static func header(width: Int, height: Int) -> [UInt8] {
        Array("GIF89a".utf8) + le16(width) + le16(height) + [0, 0, 0, 0x3B]
    }

    /// 35 bytes: a `width` x `height` logical screen with a two-colour table around a
    /// single-pixel frame. A decoder that paints the screen first allocates it whole.
    public static func screenBomb(width: Int = 32_768, height: Int = 8_192) -> [UInt8] {
        Array("GIF89a".utf8) + le16(width) + le16(height) + [0x80, 0, 0] + [0, 0, 0, 255, 255, 255]
            + [0x2C] + le16(0) + le16(0) + le16(1) + le16(1) + [0]
            // LZW, minimum code size 2: clear (4), pixel 0, end (5) as 3-bit codes.
            + [2, 2, 0x44, 0x01, 0] + [0x3B]
    }

    static func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }

    static func uncompressedLZW(_ indices: [UInt8], codeSize: Int) -> [UInt8] {
        let clear = 1 << codeSize, end = clear + 1, width = codeSize + 1
        var codes = [clear]
        var sinceClear = 0
        for index in indices {
            // Keep the table below the point where the code width would grow.
            if sinceClear == clear - 3 {
                codes.append(clear)
                sinceClear = 0
            }
            codes.append(Int(index))
            sinceClear += 1
        }
        codes.append(end)
        var bytes: [UInt8] = []
        var buffer = 0, bits = 0
        for code in codes {
            buffer |= code << bits
            bits += width
            while bits >= 8 {
                bytes.append(UInt8(buffer & 0xFF))
                buffer >>= 8
                bits -= 8
            }
        }
        if bits > 0 { bytes.append(UInt8(buffer & 0xFF)) }
        return bytes
    }

    static func subBlocks(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var offset = 0
        while offset < data.count {
            let length = min(255, data.count - offset)
            out += [UInt8(length)] + data[offset..<offset + length]
            offset += length
        }
        return out + [0]
    }
}
