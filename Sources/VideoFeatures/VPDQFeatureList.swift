import PDQ

/// A video's vPDQ frame features as one value, checked: frame numbers increase, qualities
/// are 0…100, timestamps are finite and the frames are not too many. It has a compact
/// binary form (41 bytes a frame, where the reference text takes about 80), which is how
/// a hub stores and ships it, and the reference text, which is how people and
/// python-threatexchange write it.
///
/// Timestamps are kept as the reference prints them (three decimals), so the same video
/// sent as text or as JSON numbers has the same binary form.
public struct VPDQFeatureList: Sendable, Hashable {
    public private(set) var features: [VPDQFeature]

    /// More frames than anyone hashes at one frame a second from a ten-hour video.
    public static let defaultMaxFrames = 36_000

    public init(_ features: [VPDQFeature], maxFrames: Int = defaultMaxFrames) throws(VPDQFeatureError) {
        guard !features.isEmpty else { throw VPDQFeatureError(frame: nil, field: nil, "a vPDQ signal needs at least one frame") }
        guard features.count <= maxFrames else {
            throw VPDQFeatureError(frame: nil, field: nil, "at most \(maxFrames) frames per video; got \(features.count) (hash one frame a second)")
        }
        var previous = -1
        var canonical: [VPDQFeature] = []
        canonical.reserveCapacity(features.count)
        for (index, feature) in features.enumerated() {
            guard feature.frameNumber > previous, feature.frameNumber <= Int(UInt32.max) else {
                throw VPDQFeatureError(frame: index, field: "frameNumber",
                                       "frame numbers start at 0 and increase; frame \(index) has \(feature.frameNumber) after \(previous)")
            }
            guard (0...100).contains(feature.quality) else {
                throw VPDQFeatureError(frame: index, field: "quality", "quality is 0 to 100; frame \(index) has \(feature.quality)")
            }
            guard feature.timestamp.isFinite, feature.timestamp >= 0 else {
                throw VPDQFeatureError(frame: index, field: "timestamp", "a timestamp is seconds from the start, 0 or more; frame \(index) has \(feature.timestamp)")
            }
            previous = feature.frameNumber
            var copy = feature
            copy.timestamp = Float(VPDQFeature.threeDecimals(feature.timestamp)) ?? feature.timestamp
            canonical.append(copy)
        }
        self.features = canonical
    }

    /// Reads the reference's text: one `frameNumber,quality,hash,timestamp` line a frame;
    /// or python-threatexchange's signal string, a JSON list of `"hash,quality,timestamp"`
    /// (frames numbered in order: it keeps no frame numbers).
    public init(text: some StringProtocol, maxFrames: Int = defaultMaxFrames) throws(VPDQFeatureError) {
        if text.first == "[" {
            try self.init(pytxSignal: String(text), maxFrames: maxFrames)
            return
        }
        var features: [VPDQFeature] = []
        for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: " \t\r")
            guard !trimmed.isEmpty else { continue }
            guard let feature = VPDQFeature(line: trimmed) else {
                throw VPDQFeatureError(frame: index, field: nil,
                                       "line \(index + 1) is not frameNumber,quality,hash,timestamp (a 64-hex-digit PDQ hash): \(trimmed.prefix(80))")
            }
            features.append(feature)
            guard features.count <= maxFrames else { break }
        }
        try self.init(features, maxFrames: maxFrames)
    }

    private init(pytxSignal text: String, maxFrames: Int) throws(VPDQFeatureError) {
        let items = text.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: true)
            .map { $0.trimmingCharacters(in: " \t\r\n\"") }
        // Three fields a frame: hash, quality, timestamp.
        guard text.last == "]", items.count % 3 == 0 else {
            throw VPDQFeatureError(frame: nil, field: nil, "not python-threatexchange's vPDQ form: a JSON list of \"hash,quality,timestamp\" strings")
        }
        var features: [VPDQFeature] = []
        for frame in 0..<items.count / 3 {
            let parts = items[frame * 3..<frame * 3 + 3].map(String.init)
            guard let hash = PDQHash(hex: parts[0]), let quality = Int(parts[1]), let time = Float(parts[2]) else {
                throw VPDQFeatureError(frame: frame, field: nil, "frame \(frame) is not \"hash,quality,timestamp\": \(parts.joined(separator: ",").prefix(80))")
            }
            features.append(VPDQFeature(frameNumber: frame, quality: quality, hash: hash, timestamp: time))
            guard features.count <= maxFrames else { break }
        }
        try self.init(features, maxFrames: maxFrames)
    }

    /// Reads the binary form, refusing anything ``binary`` would not have written.
    public init(binary: some Collection<UInt8>, maxFrames: Int = defaultMaxFrames) throws(VPDQFeatureError) {
        let bytes = Array(binary)
        guard bytes.first == Self.version, (bytes.count - 1) % Self.frameSize == 0 else {
            throw VPDQFeatureError(frame: nil, field: nil, "not vPDQ features in Cordon's binary form (version \(Self.version), \(Self.frameSize) bytes a frame)")
        }
        var features: [VPDQFeature] = []
        features.reserveCapacity((bytes.count - 1) / Self.frameSize)
        var offset = 1
        while offset < bytes.count {
            let number = Self.word(bytes, offset)
            let quality = Int(bytes[offset + 4])
            var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            withUnsafeMutableBytes(of: &words) { raw in
                for i in 0..<32 { raw[i] = bytes[offset + 5 + i] }
            }
            let hash = PDQHash(words: (UInt64(littleEndian: words.0), UInt64(littleEndian: words.1),
                                       UInt64(littleEndian: words.2), UInt64(littleEndian: words.3)))
            let time = Float(bitPattern: Self.word(bytes, offset + 37))
            features.append(VPDQFeature(frameNumber: Int(number), quality: quality, hash: hash, timestamp: time))
            offset += Self.frameSize
        }
        try self.init(features, maxFrames: maxFrames)
    }

    /// Version byte, then per frame: number (UInt32), quality (UInt8), the hash's four
    /// 64-bit words and the timestamp's float bits, little-endian.
    public var binary: [UInt8] {
        var out: [UInt8] = [Self.version]
        out.reserveCapacity(1 + features.count * Self.frameSize)
        for feature in features {
            Self.append(UInt32(feature.frameNumber), to: &out)
            out.append(UInt8(feature.quality))
            for word in [feature.hash.words.0, feature.hash.words.1, feature.hash.words.2, feature.hash.words.3] {
                withUnsafeBytes(of: word.littleEndian) { out.append(contentsOf: $0) }
            }
            Self.append(feature.timestamp.bitPattern, to: &out)
        }
        return out
    }

    /// The reference text, one line a frame.
    public var text: String { features.map(\.line).joined(separator: "\n") }

    static let version: UInt8 = 1
    static let frameSize = 41

    private static func append(_ value: UInt32, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func word(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
}

/// Frame features that are not a valid vPDQ signal: which frame, which of its fields, why.
public struct VPDQFeatureError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The frame's position in the list, when one frame is at fault.
    public var frame: Int?
    /// `frameNumber`, `quality` or `timestamp`, when one field is.
    public var field: String?
    public var message: String

    public init(frame: Int?, field: String?, _ message: String) {
        self.frame = frame
        self.field = field
        self.message = message
    }

    public var description: String { message }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        let characters = Set(set)
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice.removeFirst() }
        while let last = slice.last, characters.contains(last) { slice.removeLast() }
        return slice
    }
}
