import MediaDecoding
import PDQ

/// Everything Cordon computes for one media file: what a member shares instead of the file.
public struct MediaHashRecord: Sendable, Hashable {
    public var path: String
    public var format: ImageFormat
    public var width: Int
    public var height: Int
    public var pdq: PDQResult
    /// The eight dihedral hashes, when asked for.
    public var dihedral: PDQDihedralResult?
    /// Hex MD5 and SHA-256 of the file bytes, when asked for.
    public var md5: String?
    public var sha256: String?

    public init(
        path: String, format: ImageFormat, width: Int, height: Int, pdq: PDQResult,
        dihedral: PDQDihedralResult? = nil, md5: String? = nil, sha256: String? = nil
    ) {
        self.path = path
        self.format = format
        self.width = width
        self.height = height
        self.pdq = pdq
        self.dihedral = dihedral
        self.md5 = md5
        self.sha256 = sha256
    }
}

/// A file that could not be hashed, and why.
public struct MediaHashFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: String
    /// The decoder's reason, when decoding failed: lets a server tell a file over its
    /// limits (413) from a broken one (422).
    public var code: ImageDecodingError.Code?

    public init(path: String, reason: String, code: ImageDecodingError.Code? = nil) {
        self.path = path
        self.reason = reason
        self.code = code
    }

    public var description: String { "\(path): \(reason)" }
}
