/// Computes PDQ hashes bit-exactly as Meta's reference C++ (`pdqHash256FromFloatLuma` and
/// `pdqDihedralHash256esFromFloatLuma`): blur and decimate to 64 x 64, a 16 x 16 DCT, and one
/// bit per coefficient above the median.
///
/// Stateless and `Sendable`: hash on as many threads as you like.
public struct PDQHasher: Sendable {
    /// Images smaller than this in either dimension get the all-zero hash and quality 0.
    public static let minimumDimension = 5

    public init() {}

    /// The PDQ hash of `image` and its quality (0...100; below 50 is unreliable).
    public func hash(_ image: LumaImage) -> PDQResult {
        hash(source: image, exact64: { image.values })
    }

    /// The PDQ hash of interleaved 8-bit pixels: 1 channel (grey) or 3 or more (R, G, B
    /// first). Luma is computed as the blur needs it, never as a full-size buffer.
    public func hash(pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int, channels: Int) -> PDQResult {
        let source = Self.source(pixels, width: width, height: height, channels: channels)
        return hash(source: source, exact64: {
            LumaImage(pixels: pixels, width: width, height: height, channels: channels).values
        })
    }

    /// All eight dihedral hashes of `image` (always blurred, like the reference's dihedral
    /// entry point, so `original` can differ from `hash(_:)` for exactly 64 x 64 inputs).
    public func dihedralHashes(_ image: LumaImage) -> PDQDihedralResult {
        dihedralHashes(source: image)
    }

    /// All eight dihedral hashes of interleaved 8-bit pixels (see ``hash(pixels:width:height:channels:)``).
    public func dihedralHashes(
        pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int, channels: Int
    ) -> PDQDihedralResult {
        dihedralHashes(source: Self.source(pixels, width: width, height: height, channels: channels))
    }

    private static func source(
        _ pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int, channels: Int
    ) -> PixelLumaSource {
        precondition(channels >= 1 && channels != 2, "PDQ takes grey (1) or RGB-first (3+) pixels")
        precondition(pixels.count >= width * height * channels, "pixel buffer too small")
        // An empty buffer has no base address; such images are below the minimum size anyway.
        return PixelLumaSource(
            pixels: pixels.baseAddress ?? UnsafePointer(bitPattern: 1)!, width: width, height: height,
            channels: channels)
    }

    private func hash(source: some LumaSource, exact64: () -> [Float]) -> PDQResult {
        guard source.width >= Self.minimumDimension, source.height >= Self.minimumDimension else {
            return PDQResult(hash: .zero, quality: 0)
        }
        // An image that is already 64 x 64 (a video frame scaled by the decoder) is used as
        // it is, without the blur: the reference's non-dihedral path does the same.
        let downsampled =
            source.width == 64 && source.height == 64
            ? exact64() : JaroszFilter.blurAndDecimate(source: source)
        let dct = DCT16.transform(downsampled)
        return PDQResult(hash: Self.bits(of: dct), quality: Self.quality(of: downsampled))
    }

    private func dihedralHashes(source: some LumaSource) -> PDQDihedralResult {
        guard source.width >= Self.minimumDimension, source.height >= Self.minimumDimension else {
            return PDQDihedralResult(
                hashes: Dictionary(uniqueKeysWithValues: DihedralTransform.allCases.map { ($0, .zero) }),
                quality: 0)
        }
        let downsampled = JaroszFilter.blurAndDecimate(source: source)
        let dct = DCT16.transform(downsampled)
        var hashes: [DihedralTransform: PDQHash] = [:]
        for transform in DihedralTransform.allCases {
            hashes[transform] = Self.bits(of: DCT16.dihedral(dct, transform))
        }
        return PDQDihedralResult(hashes: hashes, quality: Self.quality(of: downsampled))
    }

    /// Bit `i·16 + j` is set when coefficient `(i, j)` is strictly above the median.
    static func bits(of dct: [Float]) -> PDQHash {
        let median = TorbenMedian.median(dct)
        var hash = PDQHash.zero
        for k in 0..<256 where dct[k] > median {
            hash.setBit(k)
        }
        return hash
    }

    /// The reference's gradient-sum heuristic on the 64 x 64 downsample, clamped to 100.
    static func quality(of buffer: [Float]) -> Int {
        var gradientSum = 0
        @inline(__always) func step(_ u: Float, _ v: Float) -> Int {
            abs(Int(((u - v) * 100) / 255))
        }
        for i in 0..<63 {
            for j in 0..<64 {
                gradientSum += step(buffer[i * 64 + j], buffer[(i + 1) * 64 + j])
            }
        }
        for i in 0..<64 {
            for j in 0..<63 {
                gradientSum += step(buffer[i * 64 + j], buffer[i * 64 + j + 1])
            }
        }
        return min(gradientSum / 90, 100)
    }
}

/// A PDQ hash with the quality of the image it came from.
public struct PDQResult: Hashable, Sendable, Codable {
    public var hash: PDQHash
    /// 0...100: how much detail the image had. Below ``PDQResult/lowQualityThreshold`` the
    /// hash matches too much to be trusted.
    public var quality: Int

    /// Hashes below this quality are flagged: flat or near-empty images collide.
    public static let lowQualityThreshold = 50

    public init(hash: PDQHash, quality: Int) {
        self.hash = hash
        self.quality = quality
    }

    public var isLowQuality: Bool { quality < Self.lowQualityThreshold }
}

/// The eight dihedral PDQ hashes of one image.
public struct PDQDihedralResult: Hashable, Sendable {
    public var hashes: [DihedralTransform: PDQHash]
    public var quality: Int

    public init(hashes: [DihedralTransform: PDQHash], quality: Int) {
        self.hashes = hashes
        self.quality = quality
    }

    public subscript(_ transform: DihedralTransform) -> PDQHash {
        hashes[transform] ?? .zero
    }
}
