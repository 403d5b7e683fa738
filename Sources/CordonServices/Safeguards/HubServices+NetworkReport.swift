import CordonDomain
import CordonStore
import Foundation

extension API {
    /// The hub's transparency report for a year, GIFCT-style (hashes and unique items by
    /// media type, algorithm, status and feedback outcome; contributors by origin; incident
    /// activations and their durations) with the DSA Art. 15 figures a hub can give
    /// (notices, trusted flaggers, orders, median times) and referrals split by origin.
    /// Public, any count under ``suppressBelow`` is left out.
    public struct NetworkReport: Codable, Sendable {
        public struct Cell: Codable, Sendable, Hashable {
            /// `media`, `algorithm`, `status`, `feedback`, `contributors`, `contributed-hashes`,
            /// `cases`, `notices`, `notice-content`.
            public var group: String
            public var label: String
            public var count: Int?
            public var suppressed: Bool
        }
        public struct Median: Codable, Sendable, Hashable {
            public var label: String
            public var hours: Double?
            /// How many durations it is the median of.
            public var of: Int
            public var suppressed: Bool
        }
        public struct Activation: Codable, Sendable, Hashable {
            public var title: String
            public var level: String
            public var activatedAt: Date
            /// Hours active; nil while still active.
            public var hours: Double?
        }
        public var year: Int
        public var suppressedBelow: Int?
        public var cells: [Cell]
        public var medians: [Median]
        public var activations: [Activation]

        /// Counts under this are left out of the public report.
        public static let suppressBelow = 10

        /// The report as the public sees it: small cells and medians of few left out.
        public func suppressed() -> NetworkReport {
            var copy = self
            copy.suppressedBelow = Self.suppressBelow
            copy.cells = cells.map { cell in
                guard let count = cell.count, count > 0, count < Self.suppressBelow else { return cell }
                return Cell(group: cell.group, label: cell.label, count: nil, suppressed: true)
            }
            copy.medians = medians.map { median in
                median.of < Self.suppressBelow ? Median(label: median.label, hours: nil, of: 0, suppressed: true) : median
            }
            return copy
        }

        /// `group,label,count` lines, then the medians; a suppressed count is empty.
        public var csv: String {
            var lines = ["group,label,count"]
            lines += cells.map { "\(Self.field($0.group)),\(Self.field($0.label)),\($0.count.map(String.init) ?? "")" }
            lines += medians.map { "median-hours,\(Self.field($0.label)),\($0.hours.map { String(format: "%.2f", $0) } ?? "")" }
            return lines.joined(separator: "\n") + "\n"
        }

        static func field(_ text: String) -> String {
            text.contains(where: { ",\"\n".contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
    }
}

extension HubServices {
    /// The hub-wide report for `year` (signals as they stand now; cases, notices and
    /// incidents of the year).
    public func networkReport(year: Int, by caller: Caller?) async throws -> API.NetworkReport {
        if let caller { try authorise(.readNetworkReport, caller) }
        let (from, to) = try Self.calendarYear(year)
        var cells: [API.NetworkReport.Cell] = []
        func add(_ group: String, _ counts: [String: Int]) {
            cells += counts.sorted { $0.key < $1.key }.map { .init(group: group, label: $0.key, count: $0.value, suppressed: false) }
        }

        let tallies = try await store.signalTallies()
        let shared = tallies.filter { $0.status != .retracted }
        add("hashes", ["hashes": shared.reduce(0) { $0 + $1.signals }, "unique items": shared.reduce(0) { $0 + $1.items }])
        add("media", shared.reduce(into: [:]) { $0[Self.mediaType($1.type), default: 0] += $1.items })
        add("algorithm", shared.reduce(into: [:]) { $0[$1.type.rawValue, default: 0] += $1.signals })
        add("status", tallies.reduce(into: [:]) { $0[$1.status.rawValue, default: 0] += $1.signals })
        let feedback = try await store.signalsByFeedback()
        add("feedback", [
            "agree (removed too)": feedback[.seenToo] ?? 0, "disagree (false positive)": feedback[.falsePositive] ?? 0,
            "disagree (labels)": feedback[.disagreeLabels] ?? 0, "appealed": feedback[.appealed] ?? 0,
            "reinstated after appeal": feedback[.reinstated] ?? 0,
        ])

        let organisations = Dictionary(uniqueKeysWithValues: try await store.organisations().map { ($0.id!, $0) })
        func origin(_ id: UUID) -> SignalOrigin { organisations[id].flatMap { OrganisationKind(rawValue: $0.kind) }.map(SignalOrigin.init) ?? .hub }
        var contributors: [SignalOrigin: Set<UUID>] = [:]
        var contributed: [String: Int] = [:]
        for group in try await store.signalsBySources() {
            for id in group.sources { contributors[origin(id), default: []].insert(id) }
            if let first = group.sources.first { contributed[origin(first).rawValue, default: 0] += group.signals }
        }
        add("contributors", contributors.reduce(into: [:]) { $0[$1.key.rawValue] = $1.value.count })
        add("contributed-hashes", contributed)

        let cases = try await store.cases(sentFrom: from, to: to)
        add("cases", cases.reduce(into: [:]) { counts, record in
            counts["\(record.kind)s from \(origin(record.issuerID).rawValue)", default: 0] += 1
        })
        let notices = try await store.notices(receivedFrom: from, to: to)
        let decided = notices.compactMap(\.decision)
        add("notices", [
            "received": notices.count, "from trusted flaggers": notices.count(where: \.priority),
            "acted on under law": decided.count { $0.action.isAction && $0.ground == "law" },
            "acted on under terms": decided.count { $0.action.isAction && $0.ground == "terms" },
            "decided by automated means": decided.count(where: \.automated),
            "judged manifestly unfounded (Art. 23)": decided.count { $0.assessment == .manifestlyUnfounded },
        ])
        add("notice-content", notices.reduce(into: [:]) { counts, notice in
            for category in notice.categories.isEmpty ? ["unspecified"] : notice.categories.map(\.rawValue) { counts[category, default: 0] += 1 }
        })

        func median(_ label: String, _ hours: [Double]) -> API.NetworkReport.Median {
            .init(label: label, hours: Self.median(hours.sorted()), of: hours.count, suppressed: false)
        }
        let orders = cases.filter { $0.kind == CaseKind.removalOrder.rawValue }
        let medians = [
            median("order received to confirmed", orders.compactMap { record in record.acknowledgedAt.map { $0.timeIntervalSince(record.receivedAt) / 3600 } }),
            median("order received to removed", orders.compactMap { record in record.removedAt.map { $0.timeIntervalSince(record.receivedAt) / 3600 } }),
            median("notice received to action", notices.compactMap { notice in
                notice.decision.flatMap { $0.action.isAction ? $0.decidedAt.timeIntervalSince(notice.receivedAt) / 3600 : nil }
            }),
            median("trusted flagger's notice to decision", notices.filter(\.priority).compactMap { notice in
                notice.decision.map { $0.decidedAt.timeIntervalSince(notice.receivedAt) / 3600 }
            }),
        ]
        let activations = try await store.incidentsActivated(from: from, to: to).sorted { ($0.activatedAt ?? from) < ($1.activatedAt ?? from) }.map { record in
            API.NetworkReport.Activation(title: record.title, level: record.level, activatedAt: record.activatedAt ?? from,
                                         hours: record.concludedAt.map { $0.timeIntervalSince(record.activatedAt ?? from) / 3600 })
        }
        add("incidents", ["activations": activations.count])
        return API.NetworkReport(year: year, suppressedBelow: nil, cells: cells, medians: medians + [median("incident activation", activations.compactMap(\.hours))],
                                 activations: activations)
    }

    /// The media type a signal type stands for, as GIFCT counts them.
    static func mediaType(_ type: SignalType) -> String {
        switch type {
        case .pdq: "image"
        case .vpdq, .tmk: "video"
        case .url, .urlMD5: "url"
        case .md5, .sha256: "file"
        }
    }
}
