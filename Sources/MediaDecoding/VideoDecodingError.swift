/// Why a video could not be turned into frames; `message` names the file.
public struct VideoDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let empty = Code("empty")
        public static let unreadable = Code("unreadable")
        /// The file has no video stream (audio only, or not a video).
        public static let noVideo = Code("no-video")
        public static let truncated = Code("truncated")
        public static let corrupt = Code("corrupt")
        public static let tooLarge = Code("too-large")
        public static let timedOut = Code("timed-out")
        /// `ffmpeg` or `ffprobe` is not installed.
        public static let decoderMissing = Code("decoder-missing")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
