import CordonTestSupport
import Foundation
import PDQ
import Testing

/// `cordon hash` on videos: the vPDQ reference's lines, JSON, and bad videos reported by
/// name while the other files are still hashed.
@Suite(.enabled(if: TestVideos.available, "ffmpeg is not installed: run scripts/install-deps.sh"))
struct VideoHashCommandTests {
    @Test func videosAreHashedAndBadOnesReportedByName() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-video-cli-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A video named like an image: recognised by content, not by name.
        let video = try TestVideos.pattern("clip.jpg", in: folder, width: 64, height: 48, fps: 10, seconds: 3)
        let empty = folder.appendingPathComponent("empty.mp4").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        let truncated = folder.appendingPathComponent("cut.mp4").path
        let bytes = try Data(contentsOf: URL(fileURLWithPath: video))
        FileManager.default.createFile(atPath: truncated, contents: bytes.prefix(bytes.count / 2))
        let image = folder.appendingPathComponent("a.png").path
        try Data(TestImages.png(width: 64, height: 64, seed: 3)).write(to: URL(fileURLWithPath: image))

        let single = try CordonRunner.run(["hash", video])
        #expect(single.status == 0, "\(single.stderr)")
        #expect(single.lines.count == 3)
        for (line, frame) in zip(single.lines, [0, 10, 20]) {
            let fields = line.split(separator: ",")
            #expect(fields.count == 4 && Int(fields[0]) == frame && PDQHash(hex: fields[2]) != nil && fields[3] == "\(frame / 10).000")
        }
        let every = try CordonRunner.run(["hash", "--seconds-per-hash", "0", video])
        #expect(every.lines.count == 30)

        let mixed = try CordonRunner.run(["hash", image, empty, truncated, video])
        #expect(mixed.status == 1)
        #expect(mixed.lines.first?.hasSuffix(",\(image)") == true)
        #expect(mixed.lines.contains("# \(video)") && mixed.lines.filter { $0.split(separator: ",").count == 4 }.count == 3)
        #expect(mixed.stderr.contains("\(empty): the file is empty") || mixed.stderr.contains("\(empty): empty"))
        #expect(mixed.stderr.contains(truncated))

        let json = try CordonRunner.run(["hash", "--format", "json", video])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["type"] as? String == "vpdq" && (object["frames"] as? [Any])?.count == 3 && object["frameRate"] as? Double == 10)

        let csv = try CordonRunner.run(["hash", "--format", "csv", video])
        #expect(csv.status != 0 && csv.stderr.contains("not csv"))
        let limited = try CordonRunner.run(["hash", "--max-frames", "5", video])
        #expect(limited.status == 1 && limited.stderr.contains("over the limit of 5"))
    }
}
