import CordonDomain
import CordonServices
import Foundation

/// Answers in the exact shapes of Meta's HMA 2.x (OpenMediaMatch 1.1.7), so its clients
/// (ROOST's Coop, FetLife's gem) switch by changing one URL: banks are collections under
/// ``ExchangeIdentifiers/bankName(_:)``, `bank_content_id` is the signal id, and
/// distances are strings (`"0"`, `"26"`, `"-"` for exact types).
public enum HMAShapes {
    /// HMA's names for Cordon's signal types (pytx's, where it has one).
    public static func signalType(named name: String) throws(HMAError) -> SignalType {
        switch name {
        case "pdq": .pdq
        case "video_md5", "md5": .md5
        case "video_sha256", "sha256": .sha256
        case "vpdq": .vpdq
        case "url": .url
        case "url_md5": .urlMD5
        default: throw HMAError.badRequest("No such SignalType '\(name)'")
        }
    }

    public static func name(of type: SignalType) -> String {
        switch type {
        case .pdq: "pdq"
        case .md5: "video_md5"
        case .sha256: "video_sha256"
        case .vpdq, .tmk, .url, .urlMD5: type.pytxName
        }
    }

    public struct Match: Codable, Sendable, Hashable {
        public var bank_content_id: Int
        public var distance: String
    }

    /// `GET /m/lookup`: matches keyed by bank name.
    public static func lookup(_ results: [API.MatchResult.QueryResult], banks: [UUID: String], only: Set<String>?) -> [String: [Match]] {
        var byBank: [String: [Match]] = [:]
        for query in results {
            for match in query.matches {
                guard let bank = banks[match.signal.collectionID], only?.contains(bank) ?? true else { continue }
                byBank[bank, default: []].append(Match(bank_content_id: match.signal.id, distance: distance(match, query.type)))
            }
        }
        return byBank
    }

    /// `POST /m/lookup` and `GET /m/lookup?url=`: bank maps keyed by signal type.
    public static func lookupByType(_ results: [API.MatchResult.QueryResult], banks: [UUID: String], only: Set<String>?) -> [String: [String: [Match]]] {
        var byType: [String: [String: [Match]]] = [:]
        for query in results {
            byType[name(of: query.type), default: [:]].merge(lookup([query], banks: banks, only: only)) { $0 + $1 }
        }
        return byType
    }

    static func distance(_ match: API.MatchResult.Match, _ type: SignalType) -> String {
        type == .pdq ? match.distance.map(String.init) ?? "-" : "-"
    }

    /// A bank as `/c/banks` lists it.
    public struct Bank: Codable, Sendable {
        public var name: String
        public var matching_enabled_ratio: Double
        /// Cordon's own: the collection behind the bank.
        public var cordon_collection_id: UUID

        public init(name: String, collection: UUID) {
            self.name = name
            matching_enabled_ratio = 1
            cordon_collection_id = collection
        }
    }

    /// Unique bank names for the caller's collections (a clash gets the id's first digits).
    public static func banks(_ collections: [API.CollectionOut]) -> [UUID: String] {
        var names: [UUID: String] = [:]
        var taken: Set<String> = []
        for collection in collections.sorted(by: { $0.id.uuidString < $1.id.uuidString }) {
            var name = ExchangeIdentifiers.bankName(collection.name)
            if taken.contains(name) { name += "_" + collection.id.uuidString.prefix(8).uppercased() }
            taken.insert(name)
            names[collection.id] = name
        }
        return names
    }

    /// HMA's bank-name rule.
    public static func isValidBankName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("A"..."Z").contains(first) || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// `GET /c/bank/<name>/content/<id>`.
    public struct Content: Encodable, Sendable {
        public struct BankRef: Encodable, Sendable {
            public var name: String
            public var matching_enabled_ratio: Double
        }
        public var id: Int
        public var disable_until_ts: Int
        public var original_media_uri: String?
        public var bank: BankRef
        public var signals: [String: String]?
        public var note: String?
    }

    public static func content(_ signal: API.SignalOut, bank: String, includeSignals: Bool) -> Content {
        Content(
            id: signal.id, disable_until_ts: signal.status == .retracted ? Int(Int32.max) : 0, original_media_uri: nil,
            bank: .init(name: bank, matching_enabled_ratio: 1.0),
            signals: includeSignals ? [name(of: signal.type): signal.value] : nil, note: signal.item)
    }
}

/// A refusal as HMA words it: `{"message": "…"}` with the status.
public struct HMAError: Error, Sendable, Hashable {
    public var status: Int
    public var message: String

    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    public static func badRequest(_ message: String) -> HMAError { HMAError(status: 400, message: message) }
    public static func notFound(_ message: String) -> HMAError { HMAError(status: 404, message: message) }
    /// A well-formed request that Cordon refuses by design (HMA's bank rename and delete).
    public static func refused(_ message: String) -> HMAError { HMAError(status: 403, message: message) }
}
