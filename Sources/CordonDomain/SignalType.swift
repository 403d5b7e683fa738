import PDQ

/// The kinds of signal Cordon shares. A new kind adds a case and its rule here.
public enum SignalType: String, Codable, Sendable, CaseIterable {
    /// A 256-bit PDQ image hash, matched by Hamming distance.
    case pdq
    /// MD5 of the file bytes, matched exactly.
    case md5
    /// SHA-256 of the file bytes, matched exactly.
    case sha256
    /// A video's vPDQ frame features, matched by the share of near frames. The value is
    /// the SHA-256 of their binary form (its identity); the frames travel beside it.
    case vpdq
    /// A video's TMK+PDQF features (a `.tmk` file), matched by TMK's two scores. The value
    /// is the file's SHA-256; the file travels beside it.
    case tmk
    /// A URL in the desk's normal form (``ContentURL``), matched exactly, by host or by
    /// path prefix.
    case url
    /// MD5 of a URL's text, as python-threatexchange's `url_md5` lists carry it.
    case urlMD5 = "url_md5"

    /// Hex digits a value of this type has; `nil` for a URL.
    public var hexLength: Int? {
        switch self {
        case .pdq, .sha256, .vpdq, .tmk: 64
        case .md5, .urlMD5: 32
        case .url: nil
        }
    }

    /// Whether the signal carries more than its value (frame features, a `.tmk` file).
    public var hasPayload: Bool { self == .vpdq || self == .tmk }

    /// Whether a value is compared by distance or score rather than exactly.
    public var isSimilarity: Bool { self == .pdq || self == .vpdq || self == .tmk }

    /// The canonical form of `value` (lowercase hex; a URL's normal form), or an error
    /// saying what is wrong.
    public func normalise(_ value: String) throws(SignalValueError) -> String {
        let trimmed = value.trimmingWhitespace()
        guard let hexLength else {
            do {
                return try ContentURL(trimmed, field: "value").normalised
            } catch {
                throw SignalValueError(type: self, message: error.message)
            }
        }
        guard trimmed.utf8.count == hexLength else {
            throw SignalValueError(
                type: self,
                message: "a \(rawValue) value is \(hexLength) hex digits; got \(trimmed.utf8.count) characters")
        }
        guard trimmed.utf8.allSatisfy(\.isHexDigit) else {
            throw SignalValueError(type: self, message: "a \(rawValue) value is hex digits (0-9, a-f) only")
        }
        return trimmed.lowercased()
    }
}

/// A signal value that is not valid for its type.
public struct SignalValueError: Error, Hashable, Sendable, CustomStringConvertible {
    public var type: SignalType
    public var message: String

    public var description: String { message }
}

extension UInt8 {
    var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
