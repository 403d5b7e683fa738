import CordonTestSupport
import Foundation
import Testing

@testable import MediaDecoding

/// The libdeflate path gives exactly libpng's pixels, or steps aside for libpng.
@Suite struct PNGFastDecoderTests {
    static let layouts: [(PNGWriter.ColorType, [Int])] = [
        (.grey, [1, 2, 4, 8, 16]), (.rgb, [8, 16]), (.palette, [1, 2, 4, 8]), (.greyAlpha, [8, 16]), (.rgba, [8, 16]),
    ]

    /// Random samples for a layout, with a palette that covers every index used.
    static func samples(width: Int, height: Int, _ type: PNGWriter.ColorType, depth: Int, seed: UInt64)
        -> (samples: [UInt16], palette: [UInt8]?) {
        var random = SplitMix(seed: seed)
        let perPixel = [PNGWriter.ColorType.grey: 1, .rgb: 3, .palette: 1, .greyAlpha: 2, .rgba: 4][type]!
        let top = type == .palette ? min(1 << depth, 200) : 1 << depth
        let samples = (0..<width * height * perPixel).map { _ in UInt16(random.next() % UInt64(top)) }
        guard type == .palette else { return (samples, nil) }
        return (samples, (0..<top * 3).map { _ in UInt8(random.next() & 0xFF) })
    }

    /// What a person sees, worked out from the samples without either decoder.
    static func expected(_ samples: [UInt16], _ type: PNGWriter.ColorType, depth: Int, palette: [UInt8]?) -> [UInt8] {
        func eight(_ v: UInt16) -> UInt8 { depth == 16 ? UInt8(v >> 8) : UInt8(Int(v) * 255 / ((1 << depth) - 1)) }
        switch type {
        case .grey: return samples.map(eight)
        case .greyAlpha: return stride(from: 0, to: samples.count, by: 2).map { eight(samples[$0]) }
        case .rgb: return samples.map(eight)
        case .rgba: return samples.indices.filter { $0 % 4 != 3 }.map { eight(samples[$0]) }
        case .palette: return samples.flatMap { palette![Int($0) * 3..<Int($0) * 3 + 3] }
        }
    }

    @Test func everyColourTypeDepthFilterAndInterlaceDecodesAsLibpngDoes() throws {
        var compared = 0
        for (type, depths) in Self.layouts {
            for depth in depths {
                for (width, height) in [(1, 1), (3, 5), (17, 9), (33, 2), (64, 40)] {
                    for interlaced in [false, true] {
                        for filters: [UInt8] in [[0], [1], [2], [3], [4], [4, 3, 2, 1, 0]] {
                            let seed = UInt64(compared)
                            let (samples, palette) = Self.samples(width: width, height: height, type, depth: depth, seed: seed)
                            let png = PNGWriter.png(width: width, height: height, bitDepth: depth, colorType: type, samples: samples,
                                                    palette: palette, interlaced: interlaced, filters: filters, dataChunks: 3)
                            let label = "\(type) \(depth)-bit \(width)x\(height) interlaced \(interlaced) filters \(filters)"
                            let fast = try #require(PNGFastDecoder.decode(png, limits: .default), "\(label): stepped aside")
                            let libpng = try PNGDecoder.decodeWithLibpng(png, limits: .default)
                            #expect(fast.channels == libpng.channels && fast.pixels == libpng.pixels, "\(label)")
                            #expect(fast.pixels == Self.expected(samples, type, depth: depth, palette: palette), "\(label)")
                            compared += 1
                        }
                    }
                }
            }
        }
        #expect(compared == 15 * 5 * 2 * 6)
    }

    /// Every PNG among the shared vectors, as libpng decodes it.
    @Test(.enabled(if: SharedVectors.available, Comment(rawValue: SharedVectors.skipReason)))
    func theVectorsPNGsDecodeAsLibpngDecodesThem() throws {
        let root = try #require(SharedVectors.sharedRoot?.appendingPathComponent("vectors"))
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension.lowercased() == "png" }
        var fast = 0
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: file))
            let libpng = Result { () throws(ImageDecodingError) in try PNGDecoder.decodeWithLibpng(bytes, limits: .default) }
            guard let decoded = PNGFastDecoder.decode(bytes, limits: .default) else { continue }
            fast += 1
            let reference = try #require(try? libpng.get(), "\(file.lastPathComponent): libpng refuses what the fast path decoded")
            let same = decoded.width == reference.width && decoded.channels == reference.channels && decoded.pixels == reference.pixels
            #expect(same, "\(file.lastPathComponent)")
        }
        #expect(fast >= 30, "only \(fast) of \(files.count) vector PNGs took the fast path")
    }

    /// Damage the fast path must not paper over: it steps aside, and libpng's verdict stands.
    @Test func damagedFilesAreLeftToLibpng() throws {
        let (samples, _) = Self.samples(width: 20, height: 10, .rgb, depth: 8, seed: 7)
        let good = PNGWriter.png(width: 20, height: 10, bitDepth: 8, colorType: .rgb, samples: samples, filters: [4, 1])
        #expect(PNGFastDecoder.decode(good, limits: .default) != nil)
        let dataStart = 8 + 25 + 8
        var badCRC = good
        badCRC[dataStart + 3] ^= 0x40
        var badFilter = PNGWriter.png(width: 20, height: 10, bitDepth: 8, colorType: .rgb, samples: samples, level: 0)
        badFilter[dataStart + 2 + 5] = 9  // the first row's filter byte, after the zlib and stored-block headers
        badFilter = Self.resealed(badFilter)
        let truncated = Array(good.prefix(good.count - 20))
        let extraData = Self.withData(good, extra: 30)
        let overLimit = DecodingLimits(maxSide: 10, maxPixels: 100)
        for (name, bytes) in [("a bad CRC", badCRC), ("an unknown filter", badFilter), ("a cut file", truncated), ("extra data", extraData)] {
            #expect(PNGFastDecoder.decode(bytes, limits: .default) == nil, "\(name)")
        }
        #expect(PNGFastDecoder.decode(good, limits: overLimit) == nil)
        #expect(throws: ImageDecodingError.self) { try ImageDecoder().decode(badFilter) }
        #expect(throws: ImageDecodingError.self) { try ImageDecoder().decode(truncated) }
        #expect(throws: ImageDecodingError.self) { try ImageDecoder(limits: overLimit).decode(good) }
        // A palette index past the palette: libpng draws black there; the fast path lets it.
        let short = PNGWriter.png(width: 2, height: 1, bitDepth: 8, colorType: .palette, samples: [0, 3], palette: [1, 2, 3, 4, 5, 6])
        #expect(PNGFastDecoder.decode(short, limits: .default) == nil)
        #expect(try ImageDecoder().decode(short).pixels == [1, 2, 3, 0, 0, 0])
    }

    /// `png` with the CRC of its first IDAT made right again after an edit.
    static func resealed(_ png: [UInt8]) -> [UInt8] {
        let start = 8 + 25, length = Int(PNGFastDecoder.bigEndian(png, start))
        let body = Array(png[start + 4..<start + 8 + length])
        return Array(png[..<start]) + PNGWriter.chunk(String(decoding: body.prefix(4), as: UTF8.self), Array(body.dropFirst(4)))
            + Array(png[(start + 12 + length)...])
    }

    /// `png` with its image data inflating to `extra` bytes more than the image needs.
    static func withData(_ png: [UInt8], extra: Int) -> [UInt8] {
        let start = 8 + 25, length = Int(PNGFastDecoder.bigEndian(png, start))
        let decompressed = PNGFastDecoder.inflate(Array(png[start + 8..<start + 8 + length]), size: 20 * 10 * 3 + 10)!
        let data = PNGWriter.deflate(decompressed + [UInt8](repeating: 0, count: extra), level: 6)
        return Array(png[..<start]) + PNGWriter.chunk("IDAT", data) + Array(png[(start + 12 + length)...])
    }
}
