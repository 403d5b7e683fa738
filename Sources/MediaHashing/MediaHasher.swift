import Crypto
import Foundation
import MediaDecoding
import PDQ

/// Decodes a file and hashes it: PDQ (optionally all eight dihedral variants) and, when
/// asked, MD5 and SHA-256 of the exact bytes.
public struct MediaHasher: Sendable {
    public var options: HashOptions
    private let hasher = PDQHasher()

    public init(options: HashOptions = HashOptions()) {
        self.options = options
    }

    /// Hashes the file at `path`.
    public func hash(fileAt path: String) throws(MediaHashFailure) -> MediaHashRecord {
        let bytes: [UInt8]
        do {
            bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw MediaHashFailure(path: path, reason: "cannot read the file: \(error.localizedDescription)")
        }
        do {
            return try hash(bytes: bytes, path: path)
        } catch {
            throw MediaHashFailure(path: path, reason: error.description, code: error.code)
        }
    }

    /// Hashes an image held in memory (an upload, say); `path` only labels the record.
    public func hash(bytes: [UInt8], path: String = "-") throws(ImageDecodingError) -> MediaHashRecord {
        let decoder = ImageDecoder(limits: options.limits)
        guard !bytes.isEmpty else { throw ImageDecodingError(.empty, "the file is empty (0 bytes)") }
        guard let format = ImageFormat(sniffing: bytes) else {
            throw ImageDecodingError(.unsupportedFormat, "not a JPEG, PNG, GIF or WebP image (unrecognised signature)")
        }
        var image: DecodedImage
        if options.fast, format == .jpeg {
            image = try decoder.decodeJPEG(bytes, targetingAtLeast: Self.fastTargetSide)
        } else {
            image = try decoder.decode(bytes, as: format)
        }
        if options.applyExifOrientation {
            image = image.applyingOrientation()
        }
        let (pdq, dihedral) = image.pixels.withUnsafeBufferPointer { pixels in
            let (width, height, channels) = (image.width, image.height, image.channels)
            return (
                hasher.hash(pixels: pixels, width: width, height: height, channels: channels),
                options.dihedral
                    ? hasher.dihedralHashes(pixels: pixels, width: width, height: height, channels: channels) : nil
            )
        }
        var record = MediaHashRecord(
            path: path, format: format, width: image.width, height: image.height, pdq: pdq, dihedral: dihedral)
        if options.digests {
            record.md5 = Insecure.MD5.hash(data: bytes).hexString
            record.sha256 = SHA256.hash(data: bytes).hexString
        }
        return record
    }

    /// `--fast` decodes JPEGs at the smallest DCT scale that keeps both sides at least this
    /// long: 8x the 64-pixel downsample, so the blur still averages many pixels.
    public static let fastTargetSide = 512
}

extension Digest {
    /// Lowercase hex, the form hash lists exchange.
    var hexString: String {
        map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
        }.joined()
    }
}
