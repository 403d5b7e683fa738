import Crypto
import Foundation
import VideoFeatures

/// One signal a member contributes: what it is, what it is of, how sure they are.
///
/// A video (`vpdq`) comes as its frame `features`, or as the reference's text in `value`;
/// a `tmk` as the `.tmk` file in base64. Validation turns either into the binary
/// ``payload`` and sets `value` to the payload's SHA-256, the signal's identity.
public struct SignalSubmission: Codable, Sendable, Hashable {
    public var type: SignalType
    public var value: String
    /// Groups the variant hashes of one piece of content (the member's own reference; no
    /// personal data).
    public var item: String?
    public var labels: SignalLabels
    /// 0...1.
    public var confidence: Double
    /// A video's frames (`vpdq` only).
    public var features: [VPDQFeature]?
    /// A `.tmk` file, base64 (`tmk` only).
    public var tmk: String?
    /// Digests of the video file, where the contributor knows them; the same file digest
    /// from a second contributor adds a source rather than a second signal.
    public var fileMD5: String?
    public var fileSHA256: String?
    /// After ``validated(maxFrames:)``: the binary features of a `vpdq` or `tmk` signal.
    public var payload: [UInt8]?

    public init(type: SignalType, value: String, item: String? = nil, labels: SignalLabels = SignalLabels(),
                confidence: Double = 1, features: [VPDQFeature]? = nil, tmk: String? = nil,
                fileMD5: String? = nil, fileSHA256: String? = nil) {
        self.type = type
        self.value = value
        self.item = item
        self.labels = labels
        self.confidence = confidence
        self.features = features
        self.tmk = tmk
        self.fileMD5 = fileMD5
        self.fileSHA256 = fileSHA256
    }

    enum CodingKeys: String, CodingKey { case type, value, item, labels, confidence, features, tmk, fileMD5, fileSHA256 }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(SignalType.self, forKey: .type)
        // A video's or a TMK's value is computed from what it carries.
        let carries = container.contains(.features) || container.contains(.tmk)
        value = carries ? try container.decodeIfPresent(String.self, forKey: .value) ?? "" : try container.decode(String.self, forKey: .value)
        item = try container.decodeIfPresent(String.self, forKey: .item)
        labels = try container.decodeIfPresent(SignalLabels.self, forKey: .labels) ?? SignalLabels()
        confidence = try container.decodeIfPresent(Double.self, forKey: .confidence) ?? 1
        features = try container.decodeIfPresent([VPDQFeature].self, forKey: .features)
        tmk = try container.decodeIfPresent(String.self, forKey: .tmk)
        fileMD5 = try container.decodeIfPresent(String.self, forKey: .fileMD5)
        fileSHA256 = try container.decodeIfPresent(String.self, forKey: .fileSHA256)
    }

    /// The submission with its value in canonical form (and a video's payload built), or
    /// the first problem found, with the name of the field it is in.
    public func validated(maxFrames: Int = VPDQFeatureList.defaultMaxFrames) throws(FieldError) -> SignalSubmission {
        var copy = self
        if type.hasPayload {
            copy.payload = try payloadOfValidated(maxFrames: maxFrames)
            copy.value = SHA256.hash(data: copy.payload!).hex
            copy.features = nil
            copy.tmk = nil
        } else {
            guard features == nil else { throw FieldError(field: "features", message: "frame features are for a vpdq signal, not \(type.rawValue)") }
            guard tmk == nil else { throw FieldError(field: "tmk", message: "a .tmk file is for a tmk signal, not \(type.rawValue)") }
            do {
                copy.value = try type.normalise(value)
            } catch {
                throw FieldError(field: "value", message: error.message)
            }
        }
        for (field, digest, length) in [("fileMD5", fileMD5, 32), ("fileSHA256", fileSHA256, 64)] {
            guard let digest else { continue }
            guard type == .vpdq || type == .tmk else {
                throw FieldError(field: field, message: "file digests travel with video signals (vpdq, tmk); send a \(type.rawValue) as its own signal")
            }
            let normal = digest.trimmingWhitespace().lowercased()
            guard normal.utf8.count == length, normal.utf8.allSatisfy(\.isHexDigit) else {
                throw FieldError(field: field, message: "\(field) is \(length) hex digits")
            }
            if field == "fileMD5" { copy.fileMD5 = normal } else { copy.fileSHA256 = normal }
        }
        guard (0...1).contains(confidence), confidence.isFinite else {
            throw FieldError(field: "confidence", message: "confidence is a number from 0 to 1; got \(confidence)")
        }
        if let item, item.count > 200 {
            throw FieldError(field: "item", message: "item is at most 200 characters")
        }
        // Every replica holds every matchable signal's labels in memory.
        for (field, text) in [("labels.entity", labels.entity), ("labels.incident", labels.incident)] {
            if let text, text.count > 200 {
                throw FieldError(field: field, message: "\(field) is at most 200 characters; got \(text.count)")
            }
        }
        if labels.categories.count > ContentCategory.allCases.count || labels.behaviours.count > Behaviour.allCases.count {
            throw FieldError(field: "labels", message: "name each category and behaviour at most once")
        }
        return copy
    }
}

extension SignalSubmission {
    /// The binary features of a `vpdq` (from `features` or the reference text in `value`)
    /// or a `tmk` (from `tmk`, base64), checked.
    private func payloadOfValidated(maxFrames: Int) throws(FieldError) -> [UInt8] {
        if type == .tmk {
            guard let tmk, let bytes = Data(base64Encoded: tmk.trimmingWhitespace()) else {
                throw FieldError(field: "tmk", message: "send the .tmk file as base64 in 'tmk'")
            }
            do {
                _ = try TMKFeatures(bytes: Array(bytes), name: "tmk")
            } catch {
                throw FieldError(field: "tmk", message: error.message)
            }
            return Array(bytes)
        }
        do throws(VPDQFeatureError) {
            if let features {
                return try VPDQFeatureList(features, maxFrames: maxFrames).binary
            }
            guard value.contains(",") else {
                throw VPDQFeatureError(frame: nil, field: nil, "send a video's frames as 'features', or the reference's frameNumber,quality,hash,timestamp lines as 'value'")
            }
            return try VPDQFeatureList(text: value, maxFrames: maxFrames).binary
        } catch {
            guard features != nil else { throw FieldError(field: "value", message: error.message) }
            let field = error.frame.map { "features[\($0)]" + (error.field.map { ".\($0)" } ?? "") } ?? "features"
            throw FieldError(field: field, message: error.message)
        }
    }
}

extension SHA256.Digest {
    /// Lowercase hex.
    public var hex: String { map { String(format: "%02x", $0) }.joined() }
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
