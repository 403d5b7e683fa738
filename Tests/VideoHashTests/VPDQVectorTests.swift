import CordonTestSupport
import Foundation
import MediaDecoding
import PDQ
import Testing
import VideoHash

/// vPDQ against the reference rebuilt on Debian 12's FFmpeg: line for line, every video,
/// every frame at full size and at 128x128, and one frame a second.
@Suite(.enabled(if: SharedVectors.available, Comment(rawValue: SharedVectors.skipReason)))
struct VPDQVectorTests {
    static let videos = ["test-padded-dimensions", "pattern-sd-grey-bar", "pattern-sd-with-small-logo-bar",
                         "pattern-sd-with-large-logo-bar", "doorknob-hd-no-bar"]

    enum Mode: String, CaseIterable, CustomStringConvertible {
        case everyFrame = "", downsampled = "-128x128", oneSecond = "-1sec"
        var description: String { rawValue.isEmpty ? "every frame" : rawValue }
        var hasher: VPDQHasher {
            switch self {
            case .everyFrame: VPDQHasher(secondsPerHash: 0)
            case .downsampled: VPDQHasher(secondsPerHash: 0, downsample: 128)
            case .oneSecond: VPDQHasher(secondsPerHash: 1)
            }
        }
    }

    @Test(arguments: videos, Mode.allCases)
    func equalsTheDebianFFmpegReference(_ video: String, _ mode: Mode) throws {
        let root = try #require(SharedVectors.vpdq)
        let expected = try String(contentsOf: root.appendingPathComponent("expected/debian-ffmpeg-5.1.9/\(video)\(mode.rawValue).txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let features = try mode.hasher.hash(path: root.appendingPathComponent("videos/\(video).mp4").path).features
        let lines = features.map(\.line)
        #expect(lines.count == expected.count)
        let differing = zip(lines, expected).enumerated().filter { $0.element.0 != $0.element.1 }
        #expect(differing.isEmpty, "\(differing.count) of \(expected.count) lines differ; first: \(differing.first.map { "\($0.element.0) vs \($0.element.1)" } ?? "")")
    }

    /// The repository's own expected files came from an unrecorded FFmpeg build: frame
    /// numbers, count and timestamps must agree; hash distances are reported, not required.
    @Test(arguments: videos, [Mode.everyFrame, .downsampled])
    func reportsDistancesFromTheRepositoryReference(_ video: String, _ mode: Mode) throws {
        let root = try #require(SharedVectors.vpdq)
        let file = root.appendingPathComponent("expected/reference/\(video)\(mode.rawValue).txt")
        guard FileManager.default.fileExists(atPath: file.path) else { return }
        let expected = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").compactMap(VPDQFeature.init(line:))
        let features = try mode.hasher.hash(path: root.appendingPathComponent("videos/\(video).mp4").path).features
        #expect(features.map(\.frameNumber) == expected.map(\.frameNumber))
        #expect(features.map { VPDQFeature.threeDecimals($0.timestamp) } == expected.map { VPDQFeature.threeDecimals($0.timestamp) })
        let distances = zip(features, expected).map { $0.hash.distance(to: $1.hash) }.sorted()
        guard !distances.isEmpty else { return }
        let within = distances.filter { $0 <= 31 }.count
        print("vPDQ \(video)\(mode.rawValue) against the repository reference: \(distances.count) frames, distance median "
            + "\(distances[distances.count / 2]), max \(distances.last!), \(within * 100 / distances.count) % within 31 bits")
    }
}
