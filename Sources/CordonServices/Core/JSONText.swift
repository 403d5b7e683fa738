import CordonDomain
import CordonStore
import Foundation
import PDQ
import VideoFeatures

/// A JSON document built by appending, for responses written by hand.
struct JSONText {
    private(set) var bytes: [UInt8] = []
    /// Identifiers written so far: a feed page names the same few thousands of times,
    /// and Foundation formats each with `snprintf`.
    private var identifiers: [UUID: String] = [:]
    /// The last few identifiers written: a signal's collection and contributors repeat from
    /// one signal to the next, and comparing is cheaper than hashing.
    private var recentIdentifiers: [(id: UUID, text: String)] = []

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func int(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func double(_ value: Double) {
        bytes.append(contentsOf: value.description.utf8)
    }

    /// A string literal, escaped as RFC 8259 requires.
    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        // Most strings (hashes, times, labels) need no escape: copied whole, not byte by byte.
        let plain = value.withUTF8 { utf8 in
            guard !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        guard !plain else {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case UInt8(ascii: "\n"): raw("\\n")
            case UInt8(ascii: "\r"): raw("\\r")
            case UInt8(ascii: "\t"): raw("\\t")
            case 0..<0x20:
                raw("\\u00")
                bytes.append(Self.hexDigit(byte >> 4))
                bytes.append(Self.hexDigit(byte & 0xF))
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func strings(_ values: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            string(value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A UUID as a string literal, upper case as `JSONEncoder` writes it.
    mutating func uuid(_ id: UUID) {
        let text: String
        if let recent = recentIdentifiers.first(where: { $0.id == id }) {
            text = recent.text
        } else {
            if let known = identifiers[id] {
                text = known
            } else {
                text = id.uuidString
                if identifiers.count < 10_000 { identifiers[id] = text }
            }
            if recentIdentifiers.count == 4 { recentIdentifiers.removeFirst() }
            recentIdentifiers.append((id, text))
        }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: text.utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    /// A signal as ``API/SignalOut`` encodes it (keys sorted, absent optionals left out).
    mutating func signal(_ signal: API.SignalOut) {
        raw("{\"collectionID\":")
        uuid(signal.collectionID)
        raw(",\"confidence\":")
        double(signal.confidence)
        raw(",\"contributors\":[")
        for (index, contributor) in signal.contributors.enumerated() {
            if index > 0 { raw(",") }
            uuid(contributor)
        }
        raw("]")
        if let created = signal.createdAt {
            raw(",\"createdAt\":")
            string(HubStore.iso(created))
        }
        if let features = signal.features {
            raw(",\"features\":[")
            for (index, feature) in features.enumerated() {
                raw(index == 0 ? "{\"frameNumber\":" : ",{\"frameNumber\":")
                int(feature.frameNumber)
                raw(",\"hash\":")
                string(feature.hash.hex)
                raw(",\"quality\":")
                int(feature.quality)
                raw(",\"timestamp\":")
                double(Double(VPDQFeature.threeDecimals(feature.timestamp)) ?? Double(feature.timestamp))
                raw("}")
            }
            raw("]")
        }
        if let md5 = signal.fileMD5 {
            raw(",\"fileMD5\":")
            string(md5)
        }
        if let sha256 = signal.fileSHA256 {
            raw(",\"fileSHA256\":")
            string(sha256)
        }
        raw(",\"id\":")
        int(signal.id)
        if let item = signal.item {
            raw(",\"item\":")
            string(item)
        }
        raw(",\"labels\":{\"behaviours\":")
        strings(signal.labels.behaviours.map(\.rawValue))
        raw(",\"categories\":")
        strings(signal.labels.categories.map(\.rawValue))
        if let entity = signal.labels.entity {
            raw(",\"entity\":")
            string(entity)
        }
        if let incident = signal.labels.incident {
            raw(",\"incident\":")
            string(incident)
        }
        raw("},\"status\":")
        string(signal.status.rawValue)
        if let tmk = signal.tmk {
            raw(",\"tmk\":")
            string(tmk)
        }
        raw(",\"type\":")
        string(signal.type.rawValue)
        if let updated = signal.updatedAt {
            raw(",\"updatedAt\":")
            string(HubStore.iso(updated))
        }
        raw(",\"value\":")
        string(signal.value)
        raw("}")
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
