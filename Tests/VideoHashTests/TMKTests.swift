import CordonTestSupport
import Foundation
import Testing
import VideoHash

/// TMK+PDQF files read and scored as the reference's `tmk-two-level-score`.
@Suite(.enabled(if: SharedVectors.available, Comment(rawValue: SharedVectors.skipReason)))
struct TMKTests {
    @Test func bothLevelsReproduceTheReferenceScores() throws {
        let root = try #require(SharedVectors.sharedRoot).appendingPathComponent("vectors/tmk")
        let rows = try SharedVectors.csvRows(root.appendingPathComponent("expected/two-level-scores.csv"))
        #expect(rows.count == 105)
        var files: [String: TMKFeatures] = [:]
        for row in rows {
            for name in [row["tmk_a"]!, row["tmk_b"]!] where files[name] == nil {
                files[name] = try TMKFeatures(contentsOf: root.appendingPathComponent(name))
            }
        }
        var worst: Double = 0
        for row in rows {
            let (a, b) = (files[row["tmk_a"]!]!, files[row["tmk_b"]!]!)
            let level1 = Double(TMKScore.level1(a, b)), level2 = Double(try #require(TMKScore.level2(a, b)))
            worst = max(worst, abs(level1 - Double(row["level1"]!)!), abs(level2 - Double(row["level2"]!)!))
            #expect(String(format: "%.6f", level1) == row["level1"], "level 1 \(row["tmk_a"]!) \(row["tmk_b"]!)")
            #expect(String(format: "%.6f", level2) == row["level2"], "level 2 \(row["tmk_a"]!) \(row["tmk_b"]!)")
        }
        print("TMK: largest difference from the reference's 6-decimal scores: \(worst)")
    }

    @Test func badFilesAreRefusedWithAReason() throws {
        let root = try #require(SharedVectors.sharedRoot).appendingPathComponent("vectors/tmk/sample-hashes")
        let good = Array(try Data(contentsOf: root.appendingPathComponent("chair-19-sd-bar.tmk")))
        #expect(throws: TMKFileError.self) { try TMKFeatures(bytes: Array(good.prefix(1000))) }
        #expect(throws: TMKFileError.self) { try TMKFeatures(bytes: []) }
        var other = good
        other.replaceSubrange(8..<12, with: Array("VGGF".utf8))
        let error = #expect(throws: TMKFileError.self) { try TMKFeatures(bytes: other) }
        #expect(error?.message.contains("PDQF") == true)
    }
}
