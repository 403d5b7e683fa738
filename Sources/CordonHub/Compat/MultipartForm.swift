import Foundation

/// The parts of a `multipart/form-data` body (RFC 7578): how HMA's clients upload a file.
public struct MultipartForm: Sendable {
    public struct Part: Sendable {
        public var name: String
        public var filename: String?
        public var body: [UInt8]
    }

    public var parts: [Part]

    /// `nil` unless `contentType` is multipart with a boundary and the body parses.
    public init?(contentType: String?, body: [UInt8]) {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data"),
              let range = contentType.range(of: "boundary=") else { return nil }
        var boundary = String(contentType[range.upperBound...].prefix { $0 != ";" })
        if boundary.hasPrefix("\""), boundary.hasSuffix("\""), boundary.count >= 2 { boundary = String(boundary.dropFirst().dropLast()) }
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [Part] = []
        var sections = Self.split(body, by: delimiter)
        guard sections.count >= 2 else { return nil }
        sections.removeFirst()  // the preamble
        for section in sections {
            var bytes = section[...]
            if bytes.starts(with: "--".utf8) { break }  // the closing delimiter
            if bytes.starts(with: "\r\n".utf8) { bytes = bytes.dropFirst(2) }
            guard let end = Self.find(Array("\r\n\r\n".utf8), in: Array(bytes)) else { return nil }
            let head = String(decoding: bytes.prefix(end), as: UTF8.self)
            var content = Array(bytes.dropFirst(end + 4))
            if content.suffix(2) == [13, 10] { content.removeLast(2) }
            guard let disposition = head.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition") })
            else { continue }
            func value(_ key: String) -> String? {
                guard let range = disposition.range(of: "\(key)=\"") else { return nil }
                return String(disposition[range.upperBound...].prefix { $0 != "\"" })
            }
            guard let name = value("name") else { continue }
            parts.append(Part(name: name, filename: value("filename"), body: content))
        }
        self.parts = parts
    }

    private static func split(_ bytes: [UInt8], by delimiter: [UInt8]) -> [[UInt8]] {
        var sections: [[UInt8]] = []
        var start = 0
        var index = 0
        while index + delimiter.count <= bytes.count {
            if bytes[index] == delimiter[0], bytes[index..<index + delimiter.count].elementsEqual(delimiter) {
                sections.append(Array(bytes[start..<index]))
                index += delimiter.count
                start = index
            } else {
                index += 1
            }
        }
        sections.append(Array(bytes[start...]))
        return sections
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index..<index + needle.count].elementsEqual(needle) {
            return index
        }
        return nil
    }
}
