import Foundation
import Testing

@testable import PDQ

@Suite struct PDQHasherTests {
    /// A deterministic pseudo-random grey picture with smooth structure.
    static func picture(width: Int, height: Int, seed: UInt64) -> LumaImage {
        var state = seed
        var values = [Float](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let noise = Float(state >> 56)
                let wave = Float((x * 7 + y * 3) % 97) * 2
                values[y * width + x] = (noise * 0.3 + wave * 0.7).rounded()
            }
        }
        return LumaImage(width: width, height: height, values: values)
    }

    @Test(arguments: [(5, 5), (6, 200), (33, 127), (64, 64), (65, 63), (300, 200), (1000, 7), (129, 1290)])
    func optimisedBlurEqualsTheScalarReference(width: Int, height: Int) {
        let image = Self.picture(width: width, height: height, seed: UInt64(width * 1000 + height))
        let fast = JaroszFilter.blurAndDecimate(image)
        let slow = ReferenceOracle.blurAndDecimate(image)
        #expect(fast.map(\.bitPattern) == slow.map(\.bitPattern))
    }

    @Test(arguments: [(5, 5), (64, 64), (63, 200), (301, 17)])
    func hashingPixelsEqualsHashingTheirLuma(width: Int, height: Int) {
        var state: UInt32 = 12345
        let pixels = (0..<(width * height * 3)).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
        let hasher = PDQHasher()
        for channels in [1, 3] {
            let used = Array(pixels.prefix(width * height * channels))
            let luma = LumaImage(pixels: used, width: width, height: height, channels: channels)
            let direct = used.withUnsafeBufferPointer { hasher.hash(pixels: $0, width: width, height: height, channels: channels) }
            let dihedral = used.withUnsafeBufferPointer {
                hasher.dihedralHashes(pixels: $0, width: width, height: height, channels: channels)
            }
            #expect(direct == hasher.hash(luma))
            #expect(dihedral == hasher.dihedralHashes(luma))
        }
    }

    @Test(arguments: [(4, 100), (100, 4), (0, 0), (1, 1)])
    func imagesSmallerThanFivePixelsGetTheZeroHash(width: Int, height: Int) {
        let image = LumaImage(width: width, height: height, values: [Float](repeating: 9, count: width * height))
        #expect(PDQHasher().hash(image) == PDQResult(hash: .zero, quality: 0))
        let dihedral = PDQHasher().dihedralHashes(image)
        #expect(dihedral.quality == 0 && DihedralTransform.allCases.allSatisfy { dihedral[$0] == .zero })
    }

    @Test func aFlatImageHasQualityZero() {
        let flat = LumaImage(width: 100, height: 80, values: [Float](repeating: 128, count: 8000))
        let result = PDQHasher().hash(flat)
        #expect(result.quality == 0)
        #expect(result.isLowQuality)
    }

    @Test func aDetailedImageHasFullQualityAndHalfItsBitsSet() {
        let result = PDQHasher().hash(Self.picture(width: 320, height: 240, seed: 7))
        #expect(result.quality == 100)
        // The median threshold sets about half of the bits.
        #expect((100...156).contains(result.hash.nonzeroBitCount))
    }

    @Test func dihedralHashesFollowTheTransformedPicture() {
        // A smooth, asymmetric picture: PDQ is robust for such content.
        var smooth = [Float](repeating: 0, count: 240 * 240)
        for y in 0..<240 {
            for x in 0..<240 {
                smooth[y * 240 + x] = 128 + 60 * sin(Float(x) / 17) + 50 * cos(Float(y) / 23 + Float(x) / 40) + Float(x) * 0.2
            }
        }
        let image = LumaImage(width: 240, height: 240, values: smooth)
        let hasher = PDQHasher()
        let variants = hasher.dihedralHashes(image)
        #expect(variants[.original] == hasher.hash(image).hash)
        // Mirror the picture left to right: its hash is close to the flipY variant (the
        // reference's name for a mirror across the vertical axis).
        var mirrored = image.values
        for y in 0..<240 { for x in 0..<240 { mirrored[y * 240 + x] = image.values[y * 240 + 239 - x] } }
        let mirroredHash = hasher.hash(LumaImage(width: 240, height: 240, values: mirrored)).hash
        #expect(mirroredHash.distance(to: variants[.flipY]) <= 16)
        #expect(mirroredHash.distance(to: variants[.original]) > 64)
    }

    @Test func lumaFromRGBUsesTheReferenceWeights() {
        let luma = LumaImage(pixels: [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30], width: 4, height: 1, channels: 3)
        #expect(luma.values == [Float(0.299) * 255, Float(0.587) * 255, Float(0.114) * 255,
                                (Float(0.299) * 10 + Float(0.587) * 20) + Float(0.114) * 30])
        let grey = LumaImage(pixels: [7, 200], width: 2, height: 1, channels: 1)
        #expect(grey.values == [7, 200])
    }

    @Test func torbenReturnsTheReferenceMedian() {
        #expect(TorbenMedian.median([3, 1, 2]) == 2)
        #expect(TorbenMedian.median([4, 1, 3, 2]) == 2)
        #expect(TorbenMedian.median([5, 5, 5, 5]) == 5)
        let values = (0..<256).map { Float(($0 * 37) % 256) }
        let median = TorbenMedian.median(values)
        #expect(values.filter { $0 > median }.count == 128)
    }
}
