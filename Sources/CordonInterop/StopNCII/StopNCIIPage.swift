import CordonDomain
import CordonServices
import CordonStore
import Foundation

/// One answer of StopNCII's `FetchHashes`, the shape the stock `threatexchange` CLI and
/// stock HMA fetch with configuration only (`base_url_override`).
///
/// Timestamps are feed cursors plus ``offset``: clients start at `startTimestamp=10`,
/// which must mean "from the beginning", and the checkpoint must never go down.
public struct StopNCIIPage: Encodable, Sendable {
    public struct Feedback: Encodable, Sendable {
        public var feedbackValue: String
        public var tags: [String]
        public var source: String
    }

    public struct Record: Encodable, Sendable {
        public var lastModtimestamp: Int
        public var signalType: String
        public var hashValue: String
        public var hashStatus: String
        public var caseNumbers: [String: String] = [:]
        public var CSPFeedbacks: [Feedback]
    }

    public var count: Int
    public var nextPageToken: String?
    public var nextSetTimestamp: Int
    public var hasMoreRecords: Bool
    public var hashRecords: [Record]

    /// pytx's first `startTimestamp`.
    public static let offset = 10

    /// The feed cursor a request's `startTimestamp` and `nextPageToken` mean: read after it.
    public static func cursor(startTimestamp: Int, nextPageToken: String?) throws(ServiceError) -> Int {
        if let token = nextPageToken, !token.isEmpty {
            guard token.hasPrefix("c"), let cursor = Int(token.dropFirst()), cursor >= 0 else {
                throw ServiceError.invalid("nextPageToken", "pass back the nextPageToken of the previous answer unchanged")
            }
            return cursor
        }
        guard startTimestamp >= 0 else {
            throw ServiceError.invalid("startTimestamp", "startTimestamp is a whole number from 0 up; got \(startTimestamp)")
        }
        return max(startTimestamp - offset, 0)
    }

    /// The page for `changes`, read after `cursor` with one more than `pageSize` asked for
    /// (so whether more follow is known).
    public init(_ page: API.ExchangePage, after cursor: Int, pageSize: Int) {
        let shown = page.changes.prefix(pageSize)
        hasMoreRecords = page.changes.count > pageSize
        let last = shown.last?.change.cursor ?? cursor
        nextSetTimestamp = last + Self.offset
        nextPageToken = hasMoreRecords ? "c\(last)" : nil
        hashRecords = shown.compactMap { Self.record($0, names: page.organisationNames) }
        count = hashRecords.count
    }

    /// pytx knows PDQ and video MD5 only; other types are left out (the checkpoint still
    /// moves past them).
    static func record(_ entry: API.ExchangePage.Change, names: [UUID: String]) -> Record? {
        let signal = entry.change.signal
        let type: String
        switch signal.type {
        case .pdq: type = "ImagePDQ"
        case .md5: type = "VideoMD5"
        case .sha256, .vpdq, .tmk, .url, .urlMD5: return nil
        }
        let retracted = signal.status == .retracted
        let tags = signal.labels.tags
        var feedbacks = signal.contributors.map { Feedback(feedbackValue: "Blocked", tags: tags, source: names[$0] ?? $0.uuidString) }
        for feedback in entry.feedback where feedback.kind.isDissent {
            feedbacks.append(Feedback(feedbackValue: "NotBlocked", tags: [feedback.kind.rawValue],
                                      source: names[feedback.organisationID] ?? feedback.organisationID.uuidString))
        }
        if retracted {
            feedbacks.append(Feedback(feedbackValue: "NotBlocked", tags: ["retracted"], source: "cordon"))
        }
        return Record(
            lastModtimestamp: entry.change.cursor + offset, signalType: type, hashValue: signal.value,
            hashStatus: retracted ? "Withdrawn" : "Active", CSPFeedbacks: feedbacks)
    }
}
