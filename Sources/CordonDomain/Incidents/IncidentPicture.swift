import Foundation
import PDQ

/// The situational picture of an incident, computed from what members shared: hashes per
/// hour, distinct variants, matches per platform per hour, URLs and their removal state,
/// and how long after activation each milestone was reached. Also the figures of the
/// after-action report.
public struct IncidentPicture: Codable, Sendable, Hashable {
    public struct Hash: Sendable, Hashable {
        public var at: Date
        public var type: String
        public var value: String
        public var organisation: UUID

        public init(at: Date, type: String, value: String, organisation: UUID) {
            self.at = at
            self.type = type
            self.value = value
            self.organisation = organisation
        }
    }

    public struct MatchReport: Sendable, Hashable {
        public var platform: UUID
        public var hour: Date
        public var matches: Int

        public init(platform: UUID, hour: Date, matches: Int) {
            self.platform = platform
            self.hour = hour
            self.matches = matches
        }
    }

    public struct SharedURL: Sendable, Hashable {
        public var at: Date
        /// The state of the newest case about the URL, or `shared` when none was opened.
        public var state: String

        public init(at: Date, state: String) {
            self.at = at
            self.state = state
        }
    }

    public struct HourCount: Codable, Sendable, Hashable {
        public var hour: Date
        public var count: Int
    }

    public struct PlatformHour: Codable, Sendable, Hashable {
        public var platform: UUID
        public var hour: Date
        public var matches: Int
    }

    /// Seconds from activation to a milestone; absent until it is reached.
    public struct Milestones: Codable, Sendable, Hashable {
        public var firstHash: Double?
        public var tenHashes: Double?
        public var hundredHashes: Double?
        public var thousandHashes: Double?
        public var firstURL: Double?
        public var firstMatchReport: Double?
    }

    public var hashes: Int
    public var contributors: Int
    /// PDQ hashes grouped into near-duplicate clusters (within the match threshold): the
    /// visually distinct variants. Exact hashes (MD5, SHA-256) count one variant each.
    public var variants: Int
    public var hashesPerHour: [HourCount]
    public var matches: Int
    public var matchesPerPlatformPerHour: [PlatformHour]
    public var urls: Int
    public var urlsByState: [String: Int]
    public var milestones: Milestones

    public init(activatedAt: Date?, hashes: [Hash], reports: [MatchReport], urls: [SharedURL]) {
        let ordered = hashes.sorted { $0.at < $1.at }
        self.hashes = ordered.count
        contributors = Set(ordered.map(\.organisation)).count
        variants = Self.variants(ordered)
        hashesPerHour = Dictionary(grouping: ordered) { Self.hour($0.at) }
            .map { HourCount(hour: $0.key, count: $0.value.count) }.sorted { $0.hour < $1.hour }
        let perPlatformHour = Dictionary(grouping: reports) { PlatformHour(platform: $0.platform, hour: Self.hour($0.hour), matches: 0) }
            .map { key, group in PlatformHour(platform: key.platform, hour: key.hour, matches: group.reduce(0) { $0 + $1.matches }) }
        matchesPerPlatformPerHour = perPlatformHour.sorted { ($0.hour, $0.platform.uuidString) < ($1.hour, $1.platform.uuidString) }
        matches = reports.reduce(0) { $0 + $1.matches }
        self.urls = urls.count
        urlsByState = Dictionary(grouping: urls, by: \.state).mapValues(\.count)
        milestones = Milestones()
        guard let start = activatedAt else { return }
        func after(_ date: Date?) -> Double? { date.map { max(0, $0.timeIntervalSince(start)) } }
        func nth(_ n: Int) -> Date? { ordered.count >= n ? ordered[n - 1].at : nil }
        milestones.firstHash = after(nth(1))
        milestones.tenHashes = after(nth(10))
        milestones.hundredHashes = after(nth(100))
        milestones.thousandHashes = after(nth(1000))
        milestones.firstURL = after(urls.map(\.at).min())
        milestones.firstMatchReport = after(reports.map(\.hour).min())
    }

    /// The start of the UTC hour holding `date`.
    public static func hour(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
    }

    /// Leader clustering: each PDQ hash joins the first cluster whose first hash is within
    /// the match threshold, or starts one. Linear in hashes times variants.
    static func variants(_ hashes: [Hash]) -> Int {
        var leaders: [PDQHash] = []
        var exact = Set<String>()
        for hash in hashes {
            guard hash.type == "pdq", let pdq = PDQHash(hex: hash.value) else {
                exact.insert("\(hash.type):\(hash.value)")
                continue
            }
            if !leaders.contains(where: { $0.distance(to: pdq) <= PDQHash.defaultMatchThreshold }) { leaders.append(pdq) }
        }
        return leaders.count + exact.count
    }
}
