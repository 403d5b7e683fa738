import PDQ

/// The kinds of hash Cordon shares. New kinds (vPDQ, URL) add a case and a rule here.
public enum SignalType: String, Codable, Sendable, CaseIterable {
    /// A 256-bit PDQ image hash, matched by Hamming distance.
    case pdq
    /// MD5 of the file bytes, matched exactly.
    case md5
    /// SHA-256 of the file bytes, matched exactly.
    case sha256

    /// Hex digits a value of this type has.
    public var hexLength: Int {
        switch self {
        case .pdq, .sha256: 64
        case .md5: 32
        }
    }

    /// The canonical (lowercase hex) form of `value`, or an error saying what is wrong.
    public func normalise(_ value: String) throws(SignalValueError) -> String {
        let trimmed = value.trimmingWhitespace()
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
