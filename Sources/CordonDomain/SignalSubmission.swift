/// One hash a member contributes: what it is, what it is of, how sure they are.
public struct SignalSubmission: Codable, Sendable, Hashable {
    public var type: SignalType
    public var value: String
    /// Groups the variant hashes of one piece of content (the member's own reference; no
    /// personal data).
    public var item: String?
    public var labels: SignalLabels
    /// 0...1.
    public var confidence: Double

    public init(type: SignalType, value: String, item: String? = nil, labels: SignalLabels = SignalLabels(),
                confidence: Double = 1) {
        self.type = type
        self.value = value
        self.item = item
        self.labels = labels
        self.confidence = confidence
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(SignalType.self, forKey: .type)
        value = try container.decode(String.self, forKey: .value)
        item = try container.decodeIfPresent(String.self, forKey: .item)
        labels = try container.decodeIfPresent(SignalLabels.self, forKey: .labels) ?? SignalLabels()
        confidence = try container.decodeIfPresent(Double.self, forKey: .confidence) ?? 1
    }

    /// The submission with its value in canonical form, or the first problem found, with
    /// the name of the field it is in.
    public func validated() throws(FieldError) -> SignalSubmission {
        var copy = self
        do {
            copy.value = try type.normalise(value)
        } catch {
            throw FieldError(field: "value", message: error.message)
        }
        guard (0...1).contains(confidence), confidence.isFinite else {
            throw FieldError(field: "confidence", message: "confidence is a number from 0 to 1; got \(confidence)")
        }
        if let item, item.count > 200 {
            throw FieldError(field: "item", message: "item is at most 200 characters")
        }
        return copy
    }
}

/// A problem with one field of a request: the API turns it into a 4xx naming the field.
public struct FieldError: Error, Hashable, Sendable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
