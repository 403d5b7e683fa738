import CordonDomain
import CordonStore
import Foundation
import PDQ
import VideoFeatures

/// The feed as a mirror reads it, by hand (``JSONReader``): the same document
/// `JSONDecoder` reads, unknown members ignored, for a fifth of a first copy's time.
extension API.FeedPage {
    /// A page of the hub's `/v1/feed`.
    public init(json bytes: [UInt8]) throws {
        var reader = JSONReader(bytes)
        var changes: [Change] = [], next: Int?
        try reader.object { reader, key in
            switch key {
            case "changes":
                try reader.array { changes.append(try Change(reading: &$0)) }
            case "next": next = try reader.int()
            default: try reader.skipValue()
            }
        }
        try reader.end()
        guard let next else { throw reader.failure("a feed page has no \"next\"") }
        self.init(changes: changes, next: next)
    }
}

extension API.SignalSnapshot {
    /// A page of the hub's `/v1/feed/snapshot`.
    public init(json bytes: [UInt8]) throws {
        var reader = JSONReader(bytes)
        var signals: [API.SignalOut] = [], asOf: Int?, next: Int?, complete: Bool?
        try reader.object { reader, key in
            switch key {
            case "signals": try reader.array { signals.append(try API.SignalOut(reading: &$0)) }
            case "asOf": asOf = try reader.int()
            case "next": next = try reader.int()
            case "complete": complete = try reader.bool()
            default: try reader.skipValue()
            }
        }
        try reader.end()
        guard let asOf, let next, let complete else { throw reader.failure("a snapshot page needs its asOf, next and complete") }
        self.init(asOf: asOf, signals: signals, next: next, complete: complete)
    }
}

extension API.FeedPage.Change {
    /// One change, as the live feed's events carry it.
    public init(json bytes: [UInt8]) throws {
        var reader = JSONReader(bytes)
        try self.init(reading: &reader)
        try reader.end()
    }

    init(reading reader: inout JSONReader) throws {
        var cursor: Int?, kind: ChangeKind?, at: Date?, signal: API.SignalOut?
        try reader.object { reader, key in
            switch key {
            case "cursor": cursor = try reader.int()
            case "kind": kind = try reader.enumeration(ChangeKind.self, key)
            case "at": at = try reader.null() ? nil : reader.date(key)
            case "signal": signal = try API.SignalOut(reading: &reader)
            default: try reader.skipValue()
            }
        }
        guard let cursor, let kind, let signal else { throw reader.failure("a change needs its cursor, kind and signal") }
        self.init(cursor: cursor, kind: kind, at: at, signal: signal)
    }

    private init(cursor: Int, kind: ChangeKind, at: Date?, signal: API.SignalOut) {
        self.cursor = cursor
        self.kind = kind
        self.at = at
        self.signal = signal
    }
}

extension API.SignalOut {
    init(reading reader: inout JSONReader) throws {
        var id: Int?, collectionID: UUID?, type: SignalType?, value: String?, status: SignalStatus?
        var item: String?, labels = SignalLabels(), confidence = 1.0, contributors: [UUID] = []
        var createdAt: Date?, updatedAt: Date?, features: [VPDQFeature]?, tmk: String?, fileMD5: String?, fileSHA256: String?
        try reader.object { reader, key in
            if reader.null() { return }
            switch key {
            case "id": id = try reader.int()
            case "collectionID": collectionID = try reader.uuid(key)
            case "type": type = try reader.enumeration(SignalType.self, key)
            case "value": value = try reader.string()
            case "item": item = try reader.string()
            case "labels": labels = try SignalLabels(reading: &reader)
            case "confidence": confidence = try reader.double()
            case "status": status = try reader.enumeration(SignalStatus.self, key)
            case "contributors":
                try reader.array { contributors.append(try $0.uuid(key)) }
            case "createdAt": createdAt = try reader.date(key)
            case "updatedAt": updatedAt = try reader.date(key)
            case "features":
                var frames: [VPDQFeature] = []
                try reader.array { frames.append(try VPDQFeature(reading: &$0)) }
                features = frames
            case "tmk": tmk = try reader.string()
            case "fileMD5": fileMD5 = try reader.string()
            case "fileSHA256": fileSHA256 = try reader.string()
            default: try reader.skipValue()
            }
        }
        guard let id, let collectionID, let type, let value, let status else {
            throw reader.failure("a signal needs its id, collectionID, type, value and status")
        }
        self.init(id: id, collectionID: collectionID, type: type, value: value, item: item, labels: labels,
                  confidence: confidence, status: status, contributors: contributors, createdAt: createdAt,
                  updatedAt: updatedAt, features: features, tmk: tmk, fileMD5: fileMD5, fileSHA256: fileSHA256)
    }

    private init(id: Int, collectionID: UUID, type: SignalType, value: String, item: String?, labels: SignalLabels,
                 confidence: Double, status: SignalStatus, contributors: [UUID], createdAt: Date?, updatedAt: Date?,
                 features: [VPDQFeature]?, tmk: String?, fileMD5: String?, fileSHA256: String?) {
        self.id = id
        self.collectionID = collectionID
        self.type = type
        self.value = value
        self.item = item
        self.labels = labels
        self.confidence = confidence
        self.status = status
        self.contributors = contributors
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.features = features
        self.tmk = tmk
        self.fileMD5 = fileMD5
        self.fileSHA256 = fileSHA256
    }
}

extension SignalLabels {
    init(reading reader: inout JSONReader) throws {
        var labels = SignalLabels()
        try reader.object { reader, key in
            if reader.null() { return }
            switch key {
            case "categories":
                labels.categories = try reader.strings().map { try ContentCategory(rawValue: $0) ?? reader.unknown($0, key) }
            case "behaviours":
                labels.behaviours = try reader.strings().map { try Behaviour(rawValue: $0) ?? reader.unknown($0, key) }
            case "entity": labels.entity = try reader.string()
            case "incident": labels.incident = try reader.string()
            default: try reader.skipValue()
            }
        }
        self = labels
    }
}

extension VPDQFeature {
    init(reading reader: inout JSONReader) throws {
        var frameNumber: Int?, quality: Int?, hash: PDQHash?, timestamp: Double?
        try reader.object { reader, key in
            switch key {
            case "frameNumber": frameNumber = try reader.int()
            case "quality": quality = try reader.int()
            case "hash":
                let text = try reader.string()
                guard let value = PDQHash(hex: text) else { throw reader.failure("a frame's hash is 64 hex digits, not \(text)") }
                hash = value
            case "timestamp": timestamp = try reader.double()
            default: try reader.skipValue()
            }
        }
        guard let frameNumber, let quality, let hash, let timestamp else {
            throw reader.failure("a frame needs its frameNumber, quality, hash and timestamp")
        }
        self.init(frameNumber: frameNumber, quality: quality, hash: hash, timestamp: Float(timestamp))
    }
}

extension JSONReader {
    /// A UUID, remembered: a feed page names the same few thousands of times, and
    /// Foundation parses each with `sscanf`.
    mutating func uuid(_ key: String) throws -> UUID {
        let text = try string()
        if let known = identifiers[text] { return known }
        guard let id = UUID(uuidString: text) else { throw failure("\(key): \(text) is not a UUID") }
        if identifiers.count < 10_000 { identifiers[text] = id }
        return id
    }

    mutating func date(_ key: String) throws -> Date {
        let text = try string()
        guard let date = HubStore.date(iso: text) else { throw failure("\(key): \(text) is not an ISO 8601 time") }
        return date
    }

    mutating func enumeration<Value: RawRepresentable<String>>(_ type: Value.Type, _ key: String) throws -> Value {
        let text = try string()
        return try Value(rawValue: text) ?? unknown(text, key)
    }

    func unknown<Value>(_ text: String, _ key: String) throws -> Value {
        throw failure("\(key): \(text) is not one this mirror knows; update it")
    }
}
