import CordonTestSupport
import Foundation
import MediaDecoding
import PDQ
import Testing
import VideoHash

/// vPDQ beyond the sample vectors: videos made here with Debian's ffmpeg in the layouts
/// that tripped ffmpeg-the-program against the reference's own decoding loop (a display
/// matrix, audio before video, B-frames flushed at the end, variable frame rate, 10-bit,
/// 4:4:4, full-range and BT.709 tags, interlacing, VP9, HEVC, MPEG-4, MJPEG, FFV1 grey,
/// odd sizes), hashed by `VPDQHasher` and by the PyPI `vpdq` package (Meta's C++, compiled
/// in a throwaway venv): the same lines, every frame and one a second. Small and short,
/// encoded at the fastest settings: the suite runs beside timing-bound tests.
/// Where ``ReferenceCorpusTests`` makes its videos: one folder a test process.
private let corpusFolder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-vpdq-corpus-\(UUID().uuidString)")

@Suite(.enabled(if: TestVideos.available, "needs Debian's ffmpeg (scripts/install-deps.sh)"), .serialized)
struct ReferenceCorpusTests {
    static let source = ["-f", "lavfi", "-i", "testsrc2=size=192x144:rate=25:duration=2"]
    static let tone = ["-f", "lavfi", "-i", "sine=frequency=440:duration=2"]

    /// Name → ffmpeg arguments (inputs and encoding), all made from the test pattern.
    static let corpus: [(String, [String])] = [
        ("bframes.mp4", source + ["-pix_fmt", "yuv420p", "-c:v", "libx264", "-bf", "3", "-g", "12"]),
        ("audio-first.mp4", source + tone + ["-map", "1:a", "-map", "0:v", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-bf", "3", "-c:a", "aac"]),
        ("audio-first-mpeg4.avi", source + tone + ["-map", "1:a", "-map", "0:v", "-c:v", "mpeg4", "-bf", "2", "-q:v", "5", "-c:a", "mp2"]),
        ("audio-first-hevc.mkv", source + tone + ["-map", "1:a", "-map", "0:v", "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-c:a", "aac"]),
        ("vfr.mkv", ["-f", "lavfi", "-i", "testsrc2=size=192x144:rate=25:duration=3,setpts='if(lt(N,30),N,N*2)/25/TB'",
                     "-fps_mode", "vfr", "-pix_fmt", "yuv420p", "-c:v", "libx264"]),
        ("10-bit.mp4", source + ["-pix_fmt", "yuv420p10le", "-c:v", "libx264"]),
        ("444.mp4", source + ["-pix_fmt", "yuv444p", "-c:v", "libx264"]),
        ("bt709.mp4", source + ["-pix_fmt", "yuv420p", "-c:v", "libx264", "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709"]),
        ("full-range-tag.mp4", source + ["-pix_fmt", "yuv420p", "-color_range", "pc", "-c:v", "libx264"]),
        ("yuvj.mp4", source + ["-pix_fmt", "yuvj420p", "-c:v", "libx264"]),
        ("interlaced.mkv", source + ["-vf", "interlace", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-flags", "+ildct+ilme"]),
        ("vp9.webm", source + ["-pix_fmt", "yuv420p", "-c:v", "libvpx-vp9", "-b:v", "200k", "-deadline", "realtime", "-cpu-used", "8"]),
        ("hevc.mp4", source + ["-pix_fmt", "yuv420p", "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"]),
        ("mpeg4.avi", source + ["-c:v", "mpeg4", "-q:v", "5", "-bf", "2"]),
        ("mjpeg.avi", source + ["-c:v", "mjpeg", "-q:v", "5"]),
        ("grey.mkv", source + ["-vf", "format=gray", "-c:v", "ffv1"]),
        ("odd-size.mp4", ["-f", "lavfi", "-i", "testsrc2=size=157x91:rate=25:duration=2", "-pix_fmt", "yuv420p", "-c:v", "libx264"]),
    ]

    /// The corpus, made once, with two copies given a display matrix (90° and 270°).
    static let folder: Result<URL, any Error> = Result {
        let folder = corpusFolder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Made once for the whole run, so removed when the test process ends.
        atexit { try? FileManager.default.removeItem(at: corpusFolder) }
        for (name, arguments) in corpus { _ = try TestVideos.make(name, in: folder, input: arguments) }
        let bframes = folder.appendingPathComponent("bframes.mp4").path
        for degrees in [90, 270] {
            _ = try TestVideos.make("rotated-\(degrees).mp4", in: folder, input: ["-i", bframes, "-c", "copy", "-metadata:s:v:0", "rotate=\(degrees)"])
        }
        return folder
    }

    static var names: [String] { corpus.map(\.0) + ["rotated-90.mp4", "rotated-270.mp4"] }

    @Test(arguments: [0.0, 1.0])
    func everyVideoEqualsThePyPIReference(secondsPerHash: Double) throws {
        let folder = try Self.folder.get()
        let venv = try PythonVenv.with(["vpdq==0.2.5"])
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("reference_vpdq.py").path
        let paths = Self.names.map { folder.appendingPathComponent($0).path }
        let reference = try venv.run(script: script, [String(secondsPerHash)] + paths)
        try #require(reference.status == 0, "\(reference.errors)")
        var expected: [String: [String]] = [:], current = ""
        for line in reference.output.split(separator: "\n") {
            if line.hasPrefix("# ") { current = String(line.dropFirst(2)) } else { expected[current, default: []].append(String(line)) }
        }
        let hasher = VPDQHasher(secondsPerHash: secondsPerHash)
        for path in paths {
            let ours = try hasher.hash(path: path).features.map(\.line)
            #expect(ours == expected[path] ?? [], "\(URL(fileURLWithPath: path).lastPathComponent): \(ours.count) frames, the reference \(expected[path]?.count ?? 0)")
        }
    }

    @Test func rotationIsAppliedOnlyWhenAsked() throws {
        let rotated = try Self.folder.get().appendingPathComponent("rotated-90.mp4").path
        let plain = try VideoDecoder().probe(rotated)
        let turned = try VideoDecoder(applyRotation: true).probe(rotated)
        #expect(plain.rotation == 90 && (plain.width, plain.height) == (192, 144) && (turned.width, turned.height) == (144, 192))
        let asStored = try VPDQHasher(secondsPerHash: 1).hash(path: rotated).features.map(\.hash)
        let asShown = try VPDQHasher(secondsPerHash: 1, decoder: VideoDecoder(applyRotation: true)).hash(path: rotated).features.map(\.hash)
        #expect(asStored.count == asShown.count && zip(asStored, asShown).allSatisfy { $0.distance(to: $1) > 31 })
    }
}
