import Foundation
import PDQ

/// One hashed frame of a video, as the vPDQ reference writes it:
/// `frameNumber,quality,hash,timestamp`.
public struct VPDQFeature: Sendable, Hashable {
    /// 0-based, in decoder output order.
    public var frameNumber: Int
    public var quality: Int
    public var hash: PDQHash
    /// Seconds: the frame number over the frame rate, in 32-bit float as the reference.
    public var timestamp: Float

    public init(frameNumber: Int, quality: Int, hash: PDQHash, timestamp: Float) {
        self.frameNumber = frameNumber
        self.quality = quality
        self.hash = hash
        self.timestamp = timestamp
    }

    /// The reference's line (timestamp with three decimals).
    public var line: String {
        "\(frameNumber),\(quality),\(hash.hex),\(Self.threeDecimals(timestamp))"
    }

    /// A line in the reference format, or `nil`.
    public init?(line: some StringProtocol) {
        let parts = line.split(separator: ",")
        guard parts.count == 4, let frame = Int(parts[0]), let quality = Int(parts[1]), let hash = PDQHash(hex: parts[2]),
              let time = Float(parts[3]) else { return nil }
        self.init(frameNumber: frame, quality: quality, hash: hash, timestamp: time)
    }

    /// `%.3f` of a float, as C's printf rounds it (the value widened to double).
    public static func threeDecimals(_ value: Float) -> String {
        var text = String(format: "%.3f", Double(value))
        if text == "-0.000" { text = "0.000" }
        return text
    }
}

extension VPDQFeature: Codable {
    enum CodingKeys: String, CodingKey { case frameNumber, quality, hash, timestamp }

    /// `{"frameNumber", "quality", "hash" (hex), "timestamp" (seconds)}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(frameNumber: try container.decode(Int.self, forKey: .frameNumber),
                  quality: try container.decode(Int.self, forKey: .quality),
                  hash: try container.decode(PDQHash.self, forKey: .hash),
                  timestamp: try container.decode(Float.self, forKey: .timestamp))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(frameNumber, forKey: .frameNumber)
        try container.encode(quality, forKey: .quality)
        try container.encode(hash, forKey: .hash)
        // Three decimals, as the reference prints it, not Float's widened digits.
        try container.encode(Double(Self.threeDecimals(timestamp)) ?? Double(timestamp), forKey: .timestamp)
    }
}
