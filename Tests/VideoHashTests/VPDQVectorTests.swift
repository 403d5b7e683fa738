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
}
