import Foundation

/// A JSON document read by hand, value by value, for the largest documents Cordon reads
/// (a mirror's feed pages, 10,000 changes each): `JSONDecoder` was a fifth of a first
/// copy's time. The counterpart of ``JSONText``; RFC 8259, nothing more lenient.
struct JSONReader {
    /// The document is not JSON, or not the shape asked for.
    struct Failure: Error, CustomStringConvertible {
        var offset: Int
        var message: String
        var description: String { "invalid JSON at byte \(offset): \(message)" }
    }

    private let bytes: [UInt8]
    private var offset = 0
    /// Identifiers read so far (see ``uuid(_:)``).
    var identifiers: [String: UUID] = [:]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    func failure(_ message: String) -> Failure {
        Failure(offset: offset, message: message)
    }

    /// Nothing but white space is left.
    mutating func end() throws {
        skipSpace()
        guard offset == bytes.count else { throw failure("unexpected text after the document") }
    }

    /// Reads an object, handing each member's key to `body`, which must read its value.
    mutating func object(_ body: (inout JSONReader, String) throws -> Void) throws {
        try expect(UInt8(ascii: "{"), "an object")
        if consume(UInt8(ascii: "}")) { return }
        repeat {
            skipSpace()
            let key = try string()
            try expect(UInt8(ascii: ":"), "':' after a key")
            try body(&self, key)
        } while consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"), "',' or '}' in an object")
    }

    /// Reads an array, calling `body` to read each element.
    mutating func array(_ body: (inout JSONReader) throws -> Void) throws {
        try expect(UInt8(ascii: "["), "an array")
        if consume(UInt8(ascii: "]")) { return }
        repeat { try body(&self) } while consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"), "',' or ']' in an array")
    }

    /// An array of strings.
    mutating func strings() throws -> [String] {
        var values: [String] = []
        try array { values.append(try $0.string()) }
        return values
    }

    /// Consumes `null` if it comes next.
    mutating func null() -> Bool {
        skipSpace()
        guard bytes.count - offset >= 4, bytes[offset] == UInt8(ascii: "n"), bytes[offset + 1] == UInt8(ascii: "u"),
              bytes[offset + 2] == UInt8(ascii: "l"), bytes[offset + 3] == UInt8(ascii: "l") else { return false }
        offset += 4
        return true
    }

    mutating func string() throws -> String {
        try expect(UInt8(ascii: "\""), "a string")
        let start = offset
        while offset < bytes.count, bytes[offset] != UInt8(ascii: "\""), bytes[offset] != UInt8(ascii: "\\") {
            guard bytes[offset] >= 0x20 else { throw failure("a control character in a string") }
            offset += 1
        }
        guard offset < bytes.count else { throw failure("a string without its closing quote") }
        if bytes[offset] == UInt8(ascii: "\"") {
            offset += 1
            return String(decoding: bytes[start..<offset - 1], as: UTF8.self)
        }
        var text = Array(bytes[start..<offset])
        while true {
            guard offset < bytes.count else { throw failure("a string without its closing quote") }
            let byte = bytes[offset]
            offset += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try escape(into: &text)
            case 0..<0x20:
                throw failure("a control character in a string")
            default:
                text.append(byte)
            }
        }
    }

    mutating func int() throws -> Int {
        let number = try numberText()
        guard let value = Int(number) else { throw failure("\(number) is not a whole number") }
        return value
    }

    mutating func bool() throws -> Bool {
        skipSpace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "t") {
            try literal("true")
            return true
        }
        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "f") else { throw failure("true or false is expected") }
        try literal("false")
        return false
    }

    mutating func double() throws -> Double {
        let number = try numberText()
        guard let value = Double(number) else { throw failure("\(number) is not a number") }
        return value
    }

    /// Reads any value and forgets it (a member this reader does not know).
    mutating func skipValue() throws {
        skipSpace()
        guard offset < bytes.count else { throw failure("a value is missing") }
        switch bytes[offset] {
        case UInt8(ascii: "{"): try object { reader, _ in try reader.skipValue() }
        case UInt8(ascii: "["): try array { try $0.skipValue() }
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: _ = try numberText()
        }
    }

    // MARK: Pieces

    private mutating func skipSpace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): offset += 1
            default: return
            }
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        skipSpace()
        guard offset < bytes.count, bytes[offset] == byte else { return false }
        offset += 1
        return true
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws {
        guard consume(byte) else { throw failure("expected \(what)") }
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard bytes.count - offset >= count,
              word.withUTF8Buffer({ $0.elementsEqual(bytes[offset..<offset + count]) }) else { throw failure("expected \(word)") }
        offset += count
    }

    /// A number's text, as RFC 8259 spells one.
    private mutating func numberText() throws -> String {
        skipSpace()
        let start = offset
        scan: while offset < bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                 UInt8(ascii: "e"), UInt8(ascii: "E"): offset += 1
            default: break scan
            }
        }
        guard offset > start else { throw failure("expected a value") }
        return String(decoding: bytes[start..<offset], as: UTF8.self)
    }

    /// After a backslash: the escaped character, as UTF-8.
    private mutating func escape(into text: inout [UInt8]) throws {
        guard offset < bytes.count else { throw failure("a string without its closing quote") }
        let byte = bytes[offset]
        offset += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(byte)
        case UInt8(ascii: "b"): text.append(0x08)
        case UInt8(ascii: "f"): text.append(0x0C)
        case UInt8(ascii: "n"): text.append(0x0A)
        case UInt8(ascii: "r"): text.append(0x0D)
        case UInt8(ascii: "t"): text.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate: its low half must follow.
                guard bytes.count - offset >= 6, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
                    throw failure("a lone surrogate in a string")
                }
                offset += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw failure("a lone surrogate in a string") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw failure("a lone surrogate in a string") }
            text.append(contentsOf: String(Character(unicode)).utf8)
        default:
            throw failure("an unknown escape in a string")
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard bytes.count - offset >= 4 else { throw failure("\\u needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("\\u needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }
}
