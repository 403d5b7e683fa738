import CordonTestSupport
import Foundation
import Testing

@testable import MediaDecoding

@Suite struct ImageDecoderTests {
    let decoder = ImageDecoder()

    @Test func sniffsFormatsByContentNotName() {
        #expect(ImageFormat(sniffing: TestImages.png(width: 8, height: 8)) == .png)
        #expect(ImageFormat(sniffing: JPEGWriter.jpeg(width: 8, height: 8)) == .jpeg)
        #expect(ImageFormat(sniffing: Array("GIF89a".utf8) + [0, 0]) == .gif)
        #expect(ImageFormat(sniffing: Array("RIFF\0\0\0\0WEBPVP8 ".utf8)) == .webp)
        #expect(ImageFormat(sniffing: Array("RIFF\0\0\0\0WAVEfmt ".utf8)) == nil)
        #expect(ImageFormat(sniffing: [UInt8]()) == nil)
    }

    @Test func decodesRGBPNGExactly() throws {
        let pixels = TestImages.rgb(width: 37, height: 21)
        let image = try decoder.decode(PNGWriter.rgb(width: 37, height: 21, pixels: pixels))
        #expect(image.width == 37 && image.height == 21 && image.channels == 3)
        #expect(image.pixels == pixels)
    }

    @Test func paletteBecomesRGBNotIndices() throws {
        let palette: [UInt8] = [10, 20, 30, 200, 100, 50]
        let png = PNGWriter.png(width: 4, height: 1, bitDepth: 8, colorType: .palette, rows: [[0, 1, 1, 0]], palette: palette)
        let image = try decoder.decode(png)
        #expect(image.channels == 3)
        #expect(image.pixels == [10, 20, 30, 200, 100, 50, 200, 100, 50, 10, 20, 30])
    }

    @Test func oneBitGreyExpandsToFullRangeAndStaysGrey() throws {
        let png = PNGWriter.png(width: 8, height: 1, bitDepth: 1, colorType: .grey, rows: [[0b1010_0001]])
        let image = try decoder.decode(png)
        #expect(image.channels == 1)
        #expect(image.pixels == [255, 0, 255, 0, 0, 0, 0, 255])
    }

    @Test func sixteenBitKeepsTheHighByte() throws {
        let row: [UInt8] = [0x12, 0xFF, 0xAB, 0x01, 0x00, 0x80]  // one RGB pixel, 16 bits each
        let png = PNGWriter.png(width: 1, height: 1, bitDepth: 16, colorType: .rgb, rows: [row])
        #expect(try decoder.decode(png).pixels == [0x12, 0xAB, 0x00])
        let grey = PNGWriter.png(width: 2, height: 1, bitDepth: 16, colorType: .grey, rows: [[0x7F, 0xFF, 0x80, 0x00]])
        #expect(try decoder.decode(grey).pixels == [0x7F, 0x80])
    }

    @Test func alphaIsDroppedAndColoursKeptAsStored() throws {
        let rgba = PNGWriter.png(width: 2, height: 1, bitDepth: 8, colorType: .rgba, rows: [[9, 8, 7, 0, 1, 2, 3, 255]])
        let image = try decoder.decode(rgba)
        #expect(image.channels == 3 && image.pixels == [9, 8, 7, 1, 2, 3])
        let greyAlpha = PNGWriter.png(width: 2, height: 1, bitDepth: 8, colorType: .greyAlpha, rows: [[40, 0, 50, 128]])
        let grey = try decoder.decode(greyAlpha)
        #expect(grey.channels == 1 && grey.pixels == [40, 50])
    }

    @Test func decodesGreyAndColourJPEG() throws {
        let rgb = try decoder.decode(JPEGWriter.jpeg(width: 40, height: 30))
        #expect(rgb.width == 40 && rgb.height == 30 && rgb.channels == 3)
        let greyPixels = [UInt8]((0..<(16 * 16)).map { UInt8($0 % 256) })
        let grey = try decoder.decode(JPEGWriter.jpeg(width: 16, height: 16, channels: 1, pixels: greyPixels))
        #expect(grey.channels == 1 && grey.pixels.count == 256)
    }

    @Test func reducedScaleJPEGDecodesSmaller() throws {
        let jpeg = JPEGWriter.jpeg(width: 2048, height: 1536)
        let scaled = try decoder.decodeJPEG(jpeg, targetingAtLeast: 512)
        // 1/4 would give 512 x 384, below 512 on the short side, so 1/2 it is.
        #expect(scaled.width == 1024 && scaled.height == 768)
    }

    @Test func gifFirstFrameOnly() throws {
        var palette = [UInt8](repeating: 0, count: 384)
        palette[3...5] = [255, 0, 0]
        palette[6...8] = [0, 0, 255]
        let first = [UInt8](repeating: 1, count: 300), second = [UInt8](repeating: 2, count: 300)
        let gif = GIFWriter.gif(width: 20, height: 15, palette: palette, indices: first, secondFrame: second)
        let image = try decoder.decode(gif)
        #expect(image.width == 20 && image.height == 15 && image.channels == 3)
        #expect(image.pixels.count == 900)
        #expect(stride(from: 0, to: 900, by: 3).allSatisfy { image.pixels[$0] == 255 && image.pixels[$0 + 2] == 0 })
    }

    @Test func brokenFilesGiveTypedErrors() throws {
        let corpus = BrokenFiles.corpus(validPNG: TestImages.png(width: 64, height: 48),
                                        validJPEG: JPEGWriter.jpeg(width: 300, height: 200))
        for file in corpus {
            do {
                _ = try decoder.decode(file.bytes)
                Issue.record("\(file.name) decoded, but should fail with \(file.code)")
            } catch {
                #expect(error.code.rawValue == file.code, "\(file.name): \(error)")
                #expect(!error.message.isEmpty)
            }
        }
    }

    @Test func aBombsShapeDecodesWhenSmallSoItsRefusalIsForItsSize() throws {
        // The same 35 bytes with a 4x4 screen are a fine GIF: the big one fails for its size.
        let small = try decoder.decode(GIFWriter.screenBomb(width: 4, height: 4))
        #expect(small.width == 4 && small.height == 4)
        #expect(GIFWriter.screenBomb().count == 35)
        let jpeg = JPEGWriter.jpeg(width: 300, height: 200)
        let fewScans = jpeg + Array([[UInt8]](repeating: [0xFF, 0xDA, 0, 2], count: 100).joined())
        #expect(try decoder.decode(fewScans).width == 300)
        // Uploads get far lower limits than files an operator hashes.
        #expect(throws: ImageDecodingError.self) {
            try ImageDecoder(limits: .upload).decode(PNGWriter.header(width: 16_384, height: 16_384))
        }
    }

    @Test func limitsAreConfigurable() throws {
        let png = TestImages.png(width: 100, height: 100)
        let strict = ImageDecoder(limits: DecodingLimits(maxSide: 1 << 15, maxPixels: 9_999))
        #expect(throws: ImageDecodingError.self) { try strict.decode(png) }
        #expect(try ImageDecoder(limits: DecodingLimits(maxSide: 100, maxPixels: 10_000)).decode(png).width == 100)
    }

    @Test func exifOrientationIsReadAndApplied() throws {
        // 2x1 RGB image, shown turned a quarter clockwise (orientation 6).
        let image = DecodedImage(width: 2, height: 1, channels: 1, pixels: [1, 2], orientation: .right)
        let turned = image.applyingOrientation()
        #expect(turned.width == 1 && turned.height == 2 && turned.pixels == [1, 2])
        let left = DecodedImage(width: 2, height: 1, channels: 1, pixels: [1, 2], orientation: .left).applyingOrientation()
        #expect(left.pixels == [2, 1])
        let down = DecodedImage(width: 2, height: 1, channels: 1, pixels: [1, 2], orientation: .down).applyingOrientation()
        #expect(down.pixels == [2, 1] && down.width == 2)
    }
}

@Suite(.enabled(if: SharedVectors.available, Comment(rawValue: SharedVectors.skipReason)))
struct ImageDecoderVectorTests {
    /// Every original whose decoded PNG the vectors hold decodes to exactly those pixels.
    @Test func originalsDecodeToTheVectorsPixels() throws {
        let root = try #require(SharedVectors.pdq)
        let rows = try SharedVectors.csvRows(root.appendingPathComponent("expected/core.csv"))
        let decoder = ImageDecoder()
        var compared = 0
        for row in rows {
            guard let decoded = row["decoded"], !decoded.isEmpty, let original = row["image"] else { continue }
            let a = try decoder.decode([UInt8](Data(contentsOf: root.appendingPathComponent(original))))
            let b = try decoder.decode([UInt8](Data(contentsOf: root.appendingPathComponent(decoded))))
            // Compare as Bools: printing two multi-megabyte arrays on failure takes minutes.
            let sameShape = a.width == b.width && a.height == b.height && a.channels == b.channels
            #expect(sameShape, "\(original): \(a.width)x\(a.height)x\(a.channels) vs \(b.width)x\(b.height)x\(b.channels)")
            let samePixels = a.pixels == b.pixels
            #expect(samePixels, "\(original) decodes to other pixels than \(decoded)")
            compared += 1
        }
        #expect(compared >= 30)
    }

    @Test func exifOrientationIsReadFromJPEG() throws {
        let root = try #require(SharedVectors.pdq)
        for (file, orientation) in [("1", ExifOrientation.up), ("3", .down), ("6", .right), ("8", .left)] {
            let bytes = try [UInt8](Data(contentsOf: root.appendingPathComponent("images/exif-rotn/exif-rotn-\(file).jpg")))
            #expect(bytes.withUnsafeBufferPointer { ExifOrientation(jpeg: $0) } == orientation, "exif-rotn-\(file)")
        }
    }
}
