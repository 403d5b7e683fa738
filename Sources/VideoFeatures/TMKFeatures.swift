import Foundation

/// A TMK+PDQF video hash (`.tmk` file): the temporal match kernel's features of a video's
/// PDQ-float frame features, as Meta's `tmk-hash-video` writes them. Read here so that
/// hash lists carrying TMK can be imported and scored; computing them is not done here.
public struct TMKFeatures: Sendable, Hashable {
    public var framesPerSecond: Int
    public var frameCount: Int
    public var periods: [Int]
    public var fourierCoefficients: [Float]
    /// The average frame feature (level 1).
    public var pureAverage: [Float]
    /// Indexed [period][coefficient][dimension], each `dimension` long, flattened.
    var cosines: [Float]
    var sines: [Float]

    public var dimension: Int { pureAverage.count }

    /// Parses the little-endian file format (see the vectors' README for the layout).
    public init(bytes: [UInt8], name: String = "the file") throws(TMKFileError) {
        var reader = Reader(bytes: bytes)
        guard bytes.count >= 32, Array(bytes[0..<4]) == Array("TMK1".utf8), Array(bytes[4..<8]) == Array("FVEC".utf8) else {
            throw TMKFileError("\(name) is not a TMK feature-vector file (it should start with TMK1 FVEC)")
        }
        guard Array(bytes[8..<12]) == Array("PDQF".utf8) else {
            throw TMKFileError("\(name) holds TMK of another frame feature than PDQF; only TMK+PDQF is read")
        }
        reader.offset = 12
        framesPerSecond = reader.int()
        let periodCount = reader.int(), coefficientCount = reader.int(), dimension = reader.int()
        frameCount = reader.int()
        guard (1...64).contains(periodCount), (1...1024).contains(coefficientCount), (1...4096).contains(dimension), framesPerSecond > 0 else {
            throw TMKFileError("\(name) declares \(periodCount) periods, \(coefficientCount) coefficients, \(dimension) dimensions: not a valid TMK file")
        }
        let expected = 32 + 4 * (periodCount + coefficientCount + dimension + 2 * periodCount * coefficientCount * dimension)
        guard bytes.count == expected else {
            throw TMKFileError("\(name) has \(bytes.count) bytes where its header promises \(expected): truncated or corrupt")
        }
        periods = (0..<periodCount).map { _ in reader.int() }
        guard periods.allSatisfy({ (1...1_000_000).contains($0) }) else { throw TMKFileError("\(name) has an impossible period") }
        fourierCoefficients = reader.floats(coefficientCount)
        pureAverage = reader.floats(dimension)
        cosines = reader.floats(periodCount * coefficientCount * dimension)
        sines = reader.floats(periodCount * coefficientCount * dimension)
    }

    public init(contentsOf url: URL) throws(TMKFileError) {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TMKFileError("cannot read \(url.path)")
        }
        try self.init(bytes: Array(data), name: url.lastPathComponent)
    }

    /// Whether two hashes were made with the same parameters and can be scored.
    public func isComparable(with other: TMKFeatures) -> Bool {
        framesPerSecond == other.framesPerSecond && periods == other.periods && dimension == other.dimension
            && fourierCoefficients.count == other.fourierCoefficients.count
            && zip(fourierCoefficients, other.fourierCoefficients).allSatisfy { a, b in
                let scale = max(abs(a), abs(b))
                return scale == 0 || abs(a - b) / scale <= 1e-6
            }
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func word() -> UInt32 {
            defer { offset += 4 }
            return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
        }

        mutating func int() -> Int { Int(Int32(bitPattern: word())) }

        mutating func floats(_ count: Int) -> [Float] { (0..<count).map { _ in Float(bitPattern: word()) } }
    }
}

/// A `.tmk` file that cannot be read, and why.
public struct TMKFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
