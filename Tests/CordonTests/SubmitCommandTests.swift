import CordonTestSupport
import Foundation
import Testing

extension RealProcessTests {
    /// `cordon submit` and `cordon match` as a moderator runs them on a folder of images and
    /// videos, against a `cordon serve` process.
    @Suite struct SubmitCommandTests {
        @Test(.enabled(if: TestVideos.available, "needs Debian's ffmpeg (scripts/install-deps.sh)"))
        func aFolderIsSharedOnceResumedAndItsCopiesMatch() async throws {
            let hub = try await InteropHub.start()
            defer { hub.stop() }
            let media = hub.folder.appendingPathComponent("media")
            try FileManager.default.createDirectory(at: media, withIntermediateDirectories: true)
            for seed in 1...3 {
                try Data(TestImages.png(width: 320, height: 240, seed: seed)).write(to: media.appendingPathComponent("image-\(seed).png"))
            }
            try Data(PNGWriter.rgb(width: 64, height: 64, pixels: [UInt8](repeating: 90, count: 64 * 64 * 3)))
                .write(to: media.appendingPathComponent("flat.png"))
            let video = try TestVideos.make("clip.mp4", in: media, input: [
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-t", "5", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-f", "mp4"])
            let journal = hub.folder.appendingPathComponent("submit.journal").path
            func cordon(_ arguments: [String]) throws -> CordonRunner.Output {
                try CordonRunner.run(arguments + ["--hub", hub.base, "--key", hub.adminKey])
            }
            let submit = ["submit", "--collection", hub.collection, "--category", "incitement", "--entity", "Group X", "--journal", journal]

            let first = try cordon(submit + [media.path])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("shared 4 file(s): 4 new signals"), "\(first.stdout)")
            #expect(first.stderr.contains("flat.png: quality") && first.stderr.contains("not shared"), "\(first.stderr)")
            // Run again (as after an interruption): what the journal has is skipped.
            try Data(TestImages.png(width: 320, height: 240, seed: 4)).write(to: media.appendingPathComponent("image-4.png"))
            let resumed = try cordon(submit + [media.path])
            #expect(resumed.stderr.contains("4 file(s) already shared") && resumed.stdout.contains("shared 1 file(s): 1 new signals"), "\(resumed.stdout)\(resumed.stderr)")
            // Without the journal, the hub's idempotence: nothing new.
            let repeated = try cordon(submit.dropLast(2) + ["--journal", journal + ".other", media.path])
            #expect(repeated.stdout.contains("0 new signals, 5 already there"), "\(repeated.stdout)")

            // Copies: a JPEG of one image and a re-encoded video match; an unrelated image does not.
            let copies = hub.folder.appendingPathComponent("copies")
            try FileManager.default.createDirectory(at: copies, withIntermediateDirectories: true)
            try Data(JPEGWriter.jpeg(width: 320, height: 240, seed: 2)).write(to: copies.appendingPathComponent("a-copy.jpg"))
            _ = try TestVideos.make("b-copy.avi", in: copies, input: ["-i", video, "-vf", "scale=200:150", "-c:v", "mpeg4", "-q:v", "8", "-f", "avi"])
            try Data(TestImages.png(width: 320, height: 240, seed: 77)).write(to: copies.appendingPathComponent("c-other.png"))
            let matched = try cordon(["match", copies.path])
            #expect(matched.status == 0, "\(matched.stderr)")
            let lines = matched.stdout.split(separator: "\n")
            #expect(lines.count == 3, "\(matched.stdout)")
            #expect(lines.first { $0.contains("a-copy.jpg") }?.contains("(pdq, distance") == true, "\(matched.stdout)")
            #expect(lines.first { $0.contains("b-copy.avi") }?.contains("(vpdq,") == true, "\(matched.stdout)")
            #expect(lines.first { $0.contains("b-copy.avi") }?.contains("Group X") == true)
            #expect(lines.first { $0.contains("c-other.png") }?.hasSuffix("no match") == true)
            let json = try cordon(["match", "--format", "json", copies.appendingPathComponent("b-copy.avi").path])
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect(((object?["matches"] as? [[String: Any]])?.first?["queryMatchPercent"] as? Double ?? 0) >= 80)

            // Bad input: stderr and a failing status.
            let badCollection = try cordon(["submit", "--collection", "nope", media.path])
            #expect(badCollection.status != 0 && badCollection.stderr.contains("--collection"))
            let badCategory = try cordon(submit + ["--category", "bogus", media.path])
            #expect(badCategory.status != 0 && badCategory.stderr.contains("no category 'bogus'"))
            try Data("not a video".utf8).write(to: copies.appendingPathComponent("broken.mp4"))
            let broken = try cordon(["match", copies.appendingPathComponent("broken.mp4").path])
            #expect(broken.status == 1 && broken.stderr.contains("broken.mp4"), "\(broken.stderr)")
        }
    }
}
