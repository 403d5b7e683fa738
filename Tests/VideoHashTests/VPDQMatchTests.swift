import CordonTestSupport
import Foundation
import PDQ
import Testing
import VideoHash

/// Both matching rules reproduce the reference's percentages for every pair in
/// `expected/match-brute.csv`, by brute force and through the index.
@Suite(.enabled(if: SharedVectors.available, Comment(rawValue: SharedVectors.skipReason)))
struct VPDQMatchTests {
    static func features(_ relative: String) throws -> [VPDQFeature] {
        let root = try #require(SharedVectors.vpdq)
        return try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
            .split(separator: "\n").compactMap(VPDQFeature.init(line:))
    }

    static func twoDecimals(_ value: Double) -> String { String(format: "%.2f", value) }

    @Test func bothRulesReproduceTheReferencePercentages() throws {
        let root = try #require(SharedVectors.vpdq)
        let rows = try SharedVectors.csvRows(root.appendingPathComponent("expected/match-brute.csv"))
        #expect(rows.count > 200)
        var videos: [String: [VPDQFeature]] = [:]
        for row in rows {
            for file in [row["query"]!, row["target"]!] where videos[file] == nil { videos[file] = try Self.features(file) }
        }
        let index = VPDQIndex()
        for (file, features) in videos { index.add(features, of: file) }
        for row in rows {
            let (query, target) = (videos[row["query"]!]!, videos[row["target"]!]!)
            for rule in VPDQMatchRule.allCases {
                let (q, c) = rule == .reference ? ("cpp_query_pct", "cpp_target_pct") : ("pytx_query_pct", "pytx_compared_pct")
                let brute = VPDQMatch.brute(query: query, compared: target, rule: rule)
                #expect(Self.twoDecimals(brute.queryPercent) == row[q] && Self.twoDecimals(brute.comparedPercent) == row[c],
                        "\(rule) \(row["query"]!) vs \(row["target"]!)")
                let indexed = index.matches(for: query, rule: rule, minimumQueryPercent: 0)[row["target"]!]
                #expect(indexed == nil ? row[q] == "0.00" : indexed == brute, "index \(rule) \(row["query"]!) vs \(row["target"]!)")
            }
        }
    }
}
