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
        guard image.width >= Self.minimumDimension, image.height >= Self.minimumDimension else {
            return PDQResult(hash: .zero, quality: 0)
        }
        // An image that is already 64 x 64 (a video frame scaled by the decoder) is used as
        // it is, without the blur: the reference's non-dihedral path does the same.
        let downsampled =
            image.width == 64 && image.height == 64
            ? image.values : JaroszFilter.blurAndDecimate(image)
        let dct = DCT16.transform(downsampled)
        return PDQResult(hash: Self.bits(of: dct), quality: Self.quality(of: downsampled))
    }

    /// All eight dihedral hashes of `image` (always blurred, like the reference's dihedral
    /// entry point, so `original` can differ from `hash(_:)` for exactly 64 x 64 inputs).
    public func dihedralHashes(_ image: LumaImage) -> PDQDihedralResult {
        guard image.width >= Self.minimumDimension, image.height >= Self.minimumDimension else {
            return PDQDihedralResult(
                hashes: Dictionary(uniqueKeysWithValues: DihedralTransform.allCases.map { ($0, .zero) }),
                quality: 0)
        }
        let downsampled = JaroszFilter.blurAndDecimate(image)
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
