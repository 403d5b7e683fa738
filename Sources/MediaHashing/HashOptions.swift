import MediaDecoding

/// What to compute for each file.
public struct HashOptions: Sendable, Hashable {
    /// Also compute the eight rotated and mirrored PDQ hashes.
    public var dihedral: Bool
    /// Also compute MD5 and SHA-256 of the file's bytes (exact-copy signals).
    public var digests: Bool
    /// Turn JPEGs as their EXIF orientation says before hashing (the reference does not).
    public var applyExifOrientation: Bool
    /// Decode large JPEGs at reduced scale: much faster, a few bits of drift.
    public var fast: Bool
    public var limits: DecodingLimits

    public init(
        dihedral: Bool = false, digests: Bool = false, applyExifOrientation: Bool = false,
        fast: Bool = false, limits: DecodingLimits = .default
    ) {
        self.dihedral = dihedral
        self.digests = digests
        self.applyExifOrientation = applyExifOrientation
        self.fast = fast
        self.limits = limits
    }
}
