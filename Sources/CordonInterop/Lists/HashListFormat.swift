import CordonDomain
import Foundation

/// The hash-list files Cordon reads and writes, for lists that live outside any hub.
public enum HashListFormat: String, CaseIterable, Sendable {
    /// python-threatexchange's `local_file`: `<signal_type> <hash>` lines.
    case pytxFile = "pytx-file"
    /// Cordon's CSV: `type,value,categories,behaviours,entity,incident,item,confidence`
    /// (lists space-separated); reads pytx's `dataset --csv` columns as well.
    case csv
    /// An HMA bank dump as CSV: `bank,content_id,signal_type,signal`.
    case hmaCSV = "hma-csv"
    /// An HMA bank dump as JSON: a list of `/c/bank/<name>/content/<id>` objects.
    case hmaJSON = "hma-json"
    /// Tech Against Terrorism's hash list (`results` of 8-key records, or the list alone).
    case tat
    /// ThreatExchange `threat_updates` JSON (`data` of indicators with descriptors).
    case threatExchangeJSON = "te-json"
}

/// One hash of a list, as read or to be written.
public struct HashListEntry: Sendable, Hashable {
    public var type: SignalType
    public var value: String
    public var labels: SignalLabels
    public var item: String?
    public var confidence: Double
    /// The list marks it deleted (a tombstone): not imported.
    public var deleted: Bool

    public init(type: SignalType, value: String, labels: SignalLabels = SignalLabels(), item: String? = nil,
                confidence: Double = 1, deleted: Bool = false) {
        self.type = type
        self.value = value
        self.labels = labels
        self.item = item
        self.confidence = confidence
        self.deleted = deleted
    }

    /// As a submission to the hub: a TMK's value is its file in base64, a video's its
    /// frames as text (the reference's lines, or python-threatexchange's JSON).
    public var submission: SignalSubmission {
        type == .tmk
            ? SignalSubmission(type: type, value: "", item: item, labels: labels, confidence: confidence, tmk: value)
            : SignalSubmission(type: type, value: value, item: item, labels: labels, confidence: confidence)
    }
}

/// A line or record of a list that cannot be imported, and why.
public struct HashListRefusal: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line (text formats) or record (JSON formats) number.
    public var position: Int
    public var reason: String

    public var description: String { "\(position): \(reason)" }
}

/// A whole file that cannot be read in the format named.
public struct HashListError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension SignalType {
    /// pytx's name for the type (`pdq`, `video_md5`, `video_sha256`, `vpdq`, `url`,
    /// `url_md5`; `tmk` has none there and keeps Cordon's).
    public var pytxName: String {
        switch self {
        case .pdq: "pdq"
        case .md5: "video_md5"
        case .sha256: "video_sha256"
        case .vpdq, .tmk, .url, .urlMD5: rawValue
        }
    }

    /// The type a pytx, HMA, TAT or ThreatExchange name stands for.
    public init?(listName name: String) {
        switch name.lowercased() {
        case "pdq", "hash_pdq", "imagepdq": self = .pdq
        case "md5", "video_md5", "hash_md5", "hash_video_md5", "videomd5": self = .md5
        case "sha256", "video_sha256", "hash_sha256", "hash_video_sha256": self = .sha256
        case "url", "uri", "raw_uri": self = .url
        case "url_md5": self = .urlMD5
        case "vpdq", "video_vpdq": self = .vpdq
        case "tmk", "hash_tmk": self = .tmk
        default: return nil
        }
    }
}
