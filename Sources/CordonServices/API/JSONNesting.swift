import Foundation

/// How deep a JSON text nests its arrays and objects, checked before Foundation's
/// `JSONDecoder` reads outside input: that decoder traps, and the whole process dies, on
/// some texts nested 513 deep (a 513-byte body of `[` sent to any route; found by
/// `FuzzJSONBodies`). `JSONSerialization` is not affected.
public enum JSONNesting {
    /// Far deeper than any body Cordon takes (five levels), far below the decoder's 512.
    public static let limit = 64

    /// Throws when `bytes` open more than `limit` arrays and objects inside one another;
    /// brackets inside strings do not count. Reads each byte once and keeps no copy.
    public static func check(_ bytes: some Sequence<UInt8>, limit: Int = limit) throws(JSONNestingError) {
        var depth = 0, inString = false, escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { throw JSONNestingError(limit: limit) }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
            default: break
            }
        }
    }
}

/// JSON nested deeper than Cordon reads.
public struct JSONNestingError: Error, CustomStringConvertible, Equatable {
    public var limit: Int

    public init(limit: Int) {
        self.limit = limit
    }

    public var description: String {
        "arrays and objects are nested more than \(limit) deep; Cordon reads at most \(limit) levels"
    }
}

extension JSONDecoder {
    /// Decodes JSON from outside (a request body, a file, another server's answer) once its
    /// nesting is checked (``JSONNesting``).
    public func decode<T: Decodable>(_ type: T.Type, fromUntrusted data: Data) throws -> T {
        try JSONNesting.check(data)
        return try decode(type, from: data)
    }
}
