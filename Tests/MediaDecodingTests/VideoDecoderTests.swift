import CordonTestSupport
import Foundation
import MediaDecoding
import Testing

/// Bad videos get a clear error naming the file; good ones decode frame by frame.
@Suite(.enabled(if: TestVideos.available, "ffmpeg is not installed: run scripts/install-deps.sh"))
final class VideoDecoderTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-video-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Each test's videos go with it.
    deinit { try? FileManager.default.removeItem(at: folder) }

    func code(_ path: String, decoder: VideoDecoder = VideoDecoder()) -> VideoDecodingError.Code? {
        do {
            let info = try decoder.probe(path)
            try decoder.frames(path, info: info) { _, _ in }
            return nil
        } catch let error as VideoDecodingError {
            #expect(error.message.contains((path as NSString).lastPathComponent), "\(error.message)")
            return error.code
        } catch {
            return VideoDecodingError.Code("unexpected")
        }
    }

    @Test func aGoodVideoDecodesEveryFrameInOrder() throws {
        let path = try TestVideos.pattern("good.mp4", in: folder, width: 64, height: 48, fps: 10, seconds: 2)
        let decoder = VideoDecoder()
        let info = try decoder.probe(path)
        #expect(info.width == 64 && info.height == 48 && info.frameRate == 10 && info.frameCount == 20)
        var numbers: [Int] = []
        try decoder.frames(path, info: info, size: (16, 16)) { number, pixels in
            numbers.append(number)
            #expect(pixels.count == 16 * 16 * 3)
        }
        #expect(numbers == Array(0..<20))
    }

    @Test func badVideosAreRefusedByName() throws {
        let good = try TestVideos.pattern("good.mp4", in: folder)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        let empty = folder.appendingPathComponent("empty.mp4").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        #expect(code(empty) == .empty)
        let truncated = folder.appendingPathComponent("truncated.mp4").path
        FileManager.default.createFile(atPath: truncated, contents: bytes.prefix(bytes.count * 6 / 10))
        #expect([.corrupt, .truncated].contains(code(truncated)))
        let corrupt = folder.appendingPathComponent("corrupt.mp4").path
        FileManager.default.createFile(atPath: corrupt, contents: bytes.prefix(32) + Data((0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }))
        #expect(code(corrupt) == .corrupt)
        #expect(code(try TestVideos.audioOnly("tone.m4a", in: folder)) == .noVideo)
        #expect(code(folder.appendingPathComponent("missing.mp4").path) == .unreadable)

        var small = VideoLimits.default
        small.maxSide = 32
        #expect(code(good, decoder: VideoDecoder(limits: small)) == .tooLarge)
        var few = VideoLimits.default
        few.maxFrames = 5
        #expect(code(good, decoder: VideoDecoder(limits: few)) == .tooLarge)
    }

    @Test func aDecoderThatHangsIsStoppedAtTheTimeout() throws {
        let good = try TestVideos.pattern("good.mp4", in: folder)
        let hanging = folder.appendingPathComponent("hanging-ffmpeg").path
        FileManager.default.createFile(atPath: hanging, contents: Data("#!/bin/sh\nexec sleep 60\n".utf8),
                                       attributes: [.posixPermissions: 0o755])
        var limits = VideoLimits.default
        limits.timeout = 1
        let started = Date()
        #expect(code(good, decoder: VideoDecoder(limits: limits, ffmpeg: hanging)) == .timedOut)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(code(good, decoder: VideoDecoder(ffmpeg: folder.appendingPathComponent("no-such-ffmpeg").path)) == .decoderMissing)
    }
}
