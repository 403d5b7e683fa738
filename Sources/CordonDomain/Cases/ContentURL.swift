import Foundation

/// A URL in the normal form used to tell whether two cases concern the same content:
/// lowercase scheme and host, no default port, user information, fragment or tracking
/// parameters, dot segments resolved, percent-escapes in one form, query parameters sorted.
public struct ContentURL: Hashable, Sendable, CustomStringConvertible {
    /// The normal form.
    public let normalised: String
    /// The host, lowercase, without a trailing dot.
    public let host: String

    public static let maxLength = 2048

    /// Query parameters that only track the visitor and never change the content.
    static let trackingParameters: Set<String> = ["fbclid", "gclid", "igshid", "mc_cid", "mc_eid", "si", "ref_src"]

    /// Reads `text`, or says what is wrong with it; `field` names it in the error.
    public init(_ text: String, field: String = "url") throws(RuleError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.utf8.count <= Self.maxLength else {
            throw .invalid(field, "a URL is 1 to \(Self.maxLength) characters")
        }
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased() else {
            throw .invalid(field, "'\(trimmed.prefix(80))' is not a URL; give an absolute http(s) URL such as https://example.org/post/1")
        }
        guard scheme == "http" || scheme == "https" else {
            throw .invalid(field, "only http and https URLs can be referred; got '\(scheme):'")
        }
        let host = Self.normaliseHost(components.percentEncodedHost ?? "")
        guard !host.isEmpty, !host.contains(" ") else {
            throw .invalid(field, "'\(trimmed.prefix(80))' has no host name")
        }
        var text = "\(scheme)://\(host)"
        if let port = components.port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) {
            text += ":\(port)"
        }
        text += Self.normalisePath(components.percentEncodedPath)
        let items = (components.percentEncodedQueryItems ?? [])
            // An empty item is a stray `&`, not a parameter: kept, it would be all that is left
            // of `?&utm_source=x`, a bare `?` that the next reading drops.
            .filter { !($0.name.isEmpty && $0.value == nil) }
            .filter { !$0.name.lowercased().hasPrefix("utm_") && !Self.trackingParameters.contains($0.name.lowercased()) }
            .map { (Self.normaliseEscapes($0.name), $0.value.map(Self.normaliseEscapes)) }
            .sorted { ($0.0, $0.1 ?? "") < ($1.0, $1.1 ?? "") }
        if !items.isEmpty {
            text += "?" + items.map { name, value in value.map { "\(name)=\($0)" } ?? name }.joined(separator: "&")
        }
        // Non-ASCII characters are percent-encoded in the normal form, up to nine bytes for
        // one character: a normal form past the limit would be refused when read again.
        guard text.utf8.count <= Self.maxLength else {
            throw .invalid(field, "this URL is \(text.utf8.count) characters long with its non-ASCII characters percent-encoded; a URL may be at most \(Self.maxLength)")
        }
        normalised = text
        self.host = host
    }

    public var description: String { normalised }

    /// Whether this URL's host is `domain` or one of its subdomains.
    public func isUnder(domain: String) -> Bool {
        host == domain || host.hasSuffix("." + domain)
    }

    /// A domain in normal form (for holds on a whole site), or an error.
    public static func normaliseDomain(_ text: String, field: String = "domain") throws(RuleError) -> String {
        let host = normaliseHost(text.trimmingCharacters(in: .whitespacesAndNewlines))
        guard !host.isEmpty, host.count <= 253, host.contains("."),
              host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." })
        else { throw .invalid(field, "'\(text.prefix(80))' is not a domain name such as example.org") }
        return host
    }

    private static func normaliseHost(_ host: String) -> String {
        var host = host.lowercased()
        while host.hasSuffix(".") { host.removeLast() }
        return host
    }

    /// Puts escapes in one form, then resolves `.` and `..` segments (in that order, as RFC
    /// 3986 §6.2.2 has it: `%2e` is a dot too, and resolved first a normal form would change
    /// when normalised again); an empty path is `/`.
    private static func normalisePath(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        var output: [String] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { normaliseEscapes(String($0)) }
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                if !output.isEmpty { output.removeLast() }
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        return "/" + output.joined(separator: "/")
    }

    /// Decodes escapes of unreserved characters (`%41` is `A`) and writes the rest in upper case.
    static func normaliseEscapes(_ text: String) -> String {
        guard text.contains("%") else { return text }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                let byte = high << 4 | low
                if isUnreserved(byte) {
                    output.append(byte)
                } else {
                    output.append(UInt8(ascii: "%"))
                    output.append(contentsOf: String(format: "%02X", byte).utf8)
                }
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"): true
        default: false
        }
    }
}
