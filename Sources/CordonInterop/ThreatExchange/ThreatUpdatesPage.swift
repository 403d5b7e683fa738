import CordonDomain
import CordonServices
import CordonStore
import Foundation

/// One answer of ThreatExchange's `/{privacy_group}/threat_updates/`, in full: one
/// indicator per Cordon signal, one descriptor per contributing organisation (and one
/// `NON_MALICIOUS` per organisation that reported a false positive), feedback as
/// reactions, retractions as `should_delete`.
///
/// `last_updated` is the feed cursor and `start_time` is inclusive, as on the real
/// ThreatExchange: a caught-up client gets its last record again, never an empty page
/// (pytx asserts on one). An empty collection answers one tombstone of a sentinel.
public struct ThreatUpdatesPage: Encodable, Sendable {
    public struct Reaction: Encodable, Sendable {
        public var key: String
        public var value: String
    }

    public struct Owner: Encodable, Sendable {
        public var id: String
        public var name: String
    }

    public struct Descriptor: Encodable, Sendable {
        public var id: String
        public var owner: Owner
        public var status: String
        public var tags: [String]
        public var added_on: String
        public var reactions: [Reaction]
    }

    public struct Descriptors: Encodable, Sendable {
        public var data: [Descriptor]
    }

    public struct Indicator: Encodable, Sendable {
        public var id: String
        public var indicator: String
        public var type: String
        public var last_updated: Int
        public var creation_time: Int
        public var should_delete: Bool
        public var tags: [String]
        public var descriptors: Descriptors?
    }

    public struct Paging: Encodable, Sendable {
        public struct Cursors: Encodable, Sendable {
            public var after: String
        }
        public var next: String?
        public var cursors: Cursors
    }

    public var data: [Indicator]
    public var paging: Paging

    /// The tag pytx and Altitude read to tell a video's MD5 from an image's.
    public static let videoTag = "media_type_video"

    /// `page` read from `startTime` on (inclusive) with one more than `limit` asked for;
    /// `nextURL` makes the absolute `paging.next` from the cursor to read after.
    public init(_ page: API.ExchangePage, startTime: Int, limit: Int, nextURL: (Int) -> String) {
        let shown = page.changes.prefix(limit)
        data = shown.compactMap { Self.indicator($0, names: page.organisationNames) }
        let last = shown.last?.change.cursor ?? startTime
        if data.isEmpty {
            data = [Indicator(id: "0", indicator: "cordon-empty-collection", type: "HASH_PDQ", last_updated: startTime,
                              creation_time: startTime, should_delete: true, tags: [], descriptors: nil)]
        }
        paging = Paging(next: page.changes.count > limit ? nextURL(last) : nil, cursors: .init(after: String(last)))
    }

    /// ThreatExchange carries PDQ, MD5, SHA-256 and URLs; other types are left out.
    static func indicator(_ entry: API.ExchangePage.Change, names: [UUID: String]) -> Indicator? {
        let signal = entry.change.signal
        let type: String
        var tags = signal.labels.tags
        switch signal.type {
        case .pdq: type = "HASH_PDQ"
        case .md5: type = "HASH_MD5"; tags.append(videoTag)
        case .sha256: type = "HASH_SHA256"; tags.append(videoTag)
        case .url: type = "URI"
        case .vpdq, .tmk, .urlMD5: return nil
        }
        let created = Int((signal.createdAt ?? Date(timeIntervalSince1970: 0)).timeIntervalSince1970)
        let retracted = signal.status == .retracted
        return Indicator(
            id: String(signal.id), indicator: signal.value, type: type, last_updated: entry.change.cursor,
            creation_time: created, should_delete: retracted, tags: tags,
            descriptors: retracted ? nil : Descriptors(data: descriptors(entry, tags: tags, names: names)))
    }

    static func descriptors(_ entry: API.ExchangePage.Change, tags: [String], names: [UUID: String]) -> [Descriptor] {
        let signal = entry.change.signal
        let added = Self.time(signal.createdAt)
        var reactions: [String: [UInt64]] = [:]
        var dissenters: [UUID] = []
        for feedback in entry.feedback {
            let app = ExchangeIdentifiers.number(feedback.organisationID)
            switch feedback.kind {
            case .helpful: reactions["HELPFUL", default: []].append(app)
            case .seenToo: reactions["SAW_THIS_TOO", default: []].append(app)
            case .disagreeLabels: reactions["DISAGREE_WITH_TAGS", default: []].append(app)
            case .appealed, .confirmed:
                // ThreatExchange has no word for these; the signal's status says what they did.
                break
            case .falsePositive, .reinstated:
                if !signal.contributors.contains(feedback.organisationID), !dissenters.contains(feedback.organisationID) {
                    dissenters.append(feedback.organisationID)
                }
            }
        }
        let reactionList = reactions.keys.sorted().map { key in
            Reaction(key: key, value: Array(Set(reactions[key]!)).sorted().map(String.init).joined(separator: ","))
        }
        func descriptor(_ index: Int, _ organisation: UUID, _ status: String, _ reactions: [Reaction]) -> Descriptor {
            Descriptor(
                id: "\(signal.id)\(String(format: "%03d", index))",
                owner: Owner(id: String(ExchangeIdentifiers.number(organisation)), name: names[organisation] ?? organisation.uuidString),
                status: status, tags: tags, added_on: added, reactions: reactions)
        }
        var list = signal.contributors.enumerated().map { index, organisation in
            descriptor(index, organisation, "MALICIOUS", index == 0 ? reactionList : [])
        }
        list += dissenters.enumerated().map { index, organisation in
            descriptor(signal.contributors.count + index, organisation, "NON_MALICIOUS", [])
        }
        return list
    }

    /// ThreatExchange's time format, `2026-01-01T00:00:00+0000`.
    static func time(_ date: Date?) -> String {
        Date.ISO8601FormatStyle(timeZone: .gmt).format(date ?? Date(timeIntervalSince1970: 0)).replacingOccurrences(of: "Z", with: "+0000")
    }
}
