/// Why a file could not be turned into pixels.
///
/// `code` says what kind of failure it was (extensible, so callers can branch on it);
/// `message` says what was wrong with this file and, where there is one, what to do.
public struct ImageDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The file has no bytes.
        public static let empty = Code("empty")
        /// The bytes are not an image format Cordon reads.
        public static let unsupportedFormat = Code("unsupported-format")
        /// The file stops before the image does.
        public static let truncated = Code("truncated")
        /// The decoder rejected the data.
        public static let corrupt = Code("corrupt")
        /// The declared size is over the configured limits.
        public static let tooLarge = Code("too-large")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
