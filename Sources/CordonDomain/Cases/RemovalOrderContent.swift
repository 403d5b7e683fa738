import Foundation

/// What a removal order says (Art. 3(4) and the template of Annex I): the part the
/// issuing authority signs. The hub verifies the signature over ``canonicalBytes`` and
/// keeps the order exactly as signed.
public struct RemovalOrderContent: Codable, Sendable, Hashable {
    /// The authority's own reference number.
    public var referenceNumber: String
    /// The issuing authority (an organisation id in Cordon).
    public var issuingAuthority: UUID
    /// The hosting platform it is addressed to (an organisation id).
    public var platform: UUID
    /// The exact URLs of the content.
    public var urls: [String]
    /// Art. 2(7)(a)–(e): why the content is terrorist content; at least one.
    public var reasons: [ContentCategory]
    /// The authority's statement of reasons.
    public var statement: String
    /// The legal basis of the order.
    public var legalBasis: String
    /// How the platform and the content provider can seek redress, and the deadlines.
    public var redress: String
    /// When the authority issued it (ISO 8601), as it signed it.
    public var issuedAt: String
    /// If set, the content provider must not be told of the removal until then.
    public var nonDisclosure: NonDisclosure?
    /// Set when the order comes without the 12 hours' notice of a first order.
    public var emergency: Emergency?
    /// Hashes of the content, linking the order to the hash list.
    public var hashes: [ContentHash]?

    public struct NonDisclosure: Codable, Sendable, Hashable {
        /// Until when (ISO 8601).
        public var until: String
        /// Why (e.g. "ongoing investigation").
        public var reason: String

        public init(until: String, reason: String) {
            self.until = until
            self.reason = reason
        }
    }

    public struct Emergency: Codable, Sendable, Hashable {
        public var justification: String

        public init(justification: String) {
            self.justification = justification
        }
    }

    public init(referenceNumber: String, issuingAuthority: UUID, platform: UUID, urls: [String],
                reasons: [ContentCategory], statement: String, legalBasis: String, redress: String, issuedAt: String,
                nonDisclosure: NonDisclosure? = nil, emergency: Emergency? = nil, hashes: [ContentHash]? = nil) {
        self.referenceNumber = referenceNumber
        self.issuingAuthority = issuingAuthority
        self.platform = platform
        self.urls = urls
        self.reasons = reasons
        self.statement = statement
        self.legalBasis = legalBasis
        self.redress = redress
        self.issuedAt = issuedAt
        self.nonDisclosure = nonDisclosure
        self.emergency = emergency
        self.hashes = hashes
    }

    /// The bytes the issuer signs: RFC 8785 canonical JSON of this order.
    public var canonicalBytes: [UInt8] {
        // Encoding a value of plain strings, arrays and UUIDs cannot fail.
        (try? CanonicalJSON(encoding: self).bytes) ?? []
    }

    /// An order's URLs and hashes in normal form, once checked.
    public struct Checked: Sendable {
        public var urls: [ContentURL]
        public var hashes: [ContentHash]
    }

    /// Checks what the Regulation requires of an order; returns its URLs and hashes in normal form.
    public func validate() throws(RuleError) -> Checked {
        // Every text is copied into the case, its events and each party's webhooks: bounded.
        func required(_ value: String, _ field: String, _ what: String, limit: Int = 10_000) throws(RuleError) {
            guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw .invalid("order.\(field)", "an order must state \(what)")
            }
            guard value.count <= limit else {
                throw .invalid("order.\(field)", "\(field) is at most \(limit) characters; got \(value.count)")
            }
        }
        try required(referenceNumber, "referenceNumber", "its reference number", limit: 200)
        guard !reasons.isEmpty else {
            throw .invalid("order.reasons", "an order needs at least one reason from Art. 2(7): \(ContentCategory.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        try required(statement, "statement", "a statement of reasons")
        try required(legalBasis, "legalBasis", "its legal basis")
        try required(redress, "redress", "how to seek redress")
        guard let issued = Self.parseDate(issuedAt) else {
            throw .invalid("order.issuedAt", "issuedAt must be an ISO 8601 time such as 2026-11-23T10:00:00Z")
        }
        if let nonDisclosure {
            guard let until = Self.parseDate(nonDisclosure.until), until > issued else {
                throw .invalid("order.nonDisclosure.until", "the non-disclosure must end at an ISO 8601 time after the order was issued")
            }
            try required(nonDisclosure.reason, "nonDisclosure.reason", "why the provider must not be told")
        }
        if let emergency { try required(emergency.justification, "emergency.justification", "why it is an emergency") }
        return Checked(urls: try Self.validateURLs(urls, field: "order.urls"),
                       hashes: try ContentHash.normalised(hashes, field: "order.hashes"))
    }

    /// URLs in normal form, at least one and at most 100, none twice.
    public static func validateURLs(_ urls: [String], field: String) throws(RuleError) -> [ContentURL] {
        guard (1...100).contains(urls.count) else { throw .invalid(field, "give 1 to 100 URLs") }
        var seen = Set<ContentURL>()
        var result: [ContentURL] = []
        for (index, text) in urls.enumerated() {
            let url = try ContentURL(text, field: "\(field)[\(index)]")
            if seen.insert(url).inserted { result.append(url) }
        }
        return result
    }

    public static func parseDate(_ text: String) -> Date? {
        // Foundation rolls a day past the month's end into the next month (June 31 is
        // July 1); RFC 3339 has no such day, so it is refused first.
        let digits = Array(text.utf8.prefix(10))
        if digits.count == 10, digits[4] == UInt8(ascii: "-"), digits[7] == UInt8(ascii: "-"),
           let year = Int(String(decoding: digits[0..<4], as: UTF8.self)),
           let month = Int(String(decoding: digits[5..<7], as: UTF8.self)),
           let day = Int(String(decoding: digits[8..<10], as: UTF8.self)) {
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            guard (1...12).contains(month), (1...days[month - 1]).contains(day) else { return nil }
        }
        return (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}

/// A hash of the content a case is about.
public struct ContentHash: Codable, Sendable, Hashable {
    public var type: SignalType
    public var value: String

    public init(type: SignalType, value: String) {
        self.type = type
        self.value = value
    }

    /// Each hash in canonical form; errors name `field[index]`.
    public static func normalised(_ hashes: [ContentHash]?, field: String) throws(RuleError) -> [ContentHash] {
        var result: [ContentHash] = []
        for (index, hash) in (hashes ?? []).enumerated() {
            result.append(try hash.normalised(field: "\(field)[\(index)]"))
        }
        return result
    }

    public func normalised(field: String) throws(RuleError) -> ContentHash {
        do {
            return ContentHash(type: type, value: try type.normalise(value))
        } catch {
            throw .invalid(field, error.message)
        }
    }
}
