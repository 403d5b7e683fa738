import CordonTestSupport
import Foundation
import MediaDecoding
import MediaHashing
import PDQ
import Testing

@Suite struct MediaHasherTests {
    /// A fresh folder that is removed when the test ends.
    final class Folder {
        let url: URL
        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        func write(_ name: String, _ bytes: [UInt8]) throws -> String {
            let file = url.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: file)
            return file.path
        }
        deinit { try? FileManager.default.removeItem(at: url) }
    }

    @Test func pngAndJPEGOfTheSamePictureMatch() throws {
        let hasher = MediaHasher()
        let png = try hasher.hash(bytes: TestImages.png(width: 320, height: 240))
        let jpeg = try hasher.hash(bytes: JPEGWriter.jpeg(width: 320, height: 240))
        let other = try hasher.hash(bytes: TestImages.png(width: 320, height: 240, seed: 4))
        #expect(png.pdq.quality >= 50 && !png.pdq.isLowQuality)
        #expect(png.pdq.hash.distance(to: jpeg.pdq.hash) <= 31)
        #expect(png.pdq.hash.distance(to: other.pdq.hash) > 31)
        #expect(png.format == .png && jpeg.format == .jpeg)
    }

    @Test func digestsAreOfTheFileBytes() throws {
        let hasher = MediaHasher(options: HashOptions(digests: true))
        let file = TestImages.png(width: 8, height: 8)
        let record = try hasher.hash(bytes: file)
        #expect(record.sha256 == Self.systemDigest("sha256sum", file))
        #expect(record.md5 == Self.systemDigest("md5sum", file))
        #expect(try hasher.hash(bytes: TestImages.png(width: 9, height: 8)).md5 != record.md5)
        #expect(try MediaHasher().hash(bytes: file).md5 == nil)
    }

    /// A digest by coreutils (`sha256sum`, `md5sum`), an implementation independent of Cordon's.
    static func systemDigest(_ tool: String, _ bytes: [UInt8]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/\(tool)")
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        guard (try? process.runUnmasked()) != nil else { return nil }
        input.fileHandleForWriting.write(Data(bytes))
        try? input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init)
    }

    @Test func brokenFilesFailWithTheirPathAndReason() throws {
        let folder = try Folder()
        let corpus = BrokenFiles.corpus(validPNG: TestImages.png(width: 64, height: 48),
                                        validJPEG: JPEGWriter.jpeg(width: 300, height: 200))
        let hasher = MediaHasher()
        for file in corpus {
            let path = try folder.write(file.name, file.bytes)
            #expect(throws: MediaHashFailure.self, "\(file.name)") { try hasher.hash(fileAt: path) }
            do {
                _ = try hasher.hash(fileAt: path)
            } catch {
                #expect(error.path == path)
                #expect(error.reason.hasPrefix(file.code), "\(file.name): \(error.reason)")
            }
        }
        #expect(throws: MediaHashFailure.self) { try hasher.hash(fileAt: folder.url.appendingPathComponent("missing.png").path) }
    }

    @Test func parallelResultsComeBackInInputOrderWithFailuresInPlace() async throws {
        let folder = try Folder()
        var paths: [String] = []
        for i in 0..<24 {
            let bytes = i % 5 == 3 ? Array("not an image".utf8) : TestImages.png(width: 40 + i * 7, height: 30 + i, seed: i)
            paths.append(try folder.write(String(format: "img-%02d.png", i), bytes))
        }
        let sequential = paths.map { path in Result { () throws(MediaHashFailure) in try MediaHasher().hash(fileAt: path) } }
        var parallel: [Result<MediaHashRecord, MediaHashFailure>] = []
        for await result in ParallelHasher(hasher: MediaHasher(), jobs: 4).hash(paths) {
            parallel.append(result)
        }
        #expect(parallel.count == 24)
        #expect(parallel == sequential)
        #expect(parallel.filter { if case .failure = $0 { true } else { false } }.count == 5)
    }

    @Test func folderCollectionIsRecursiveSortedAndSkipsNonImages() throws {
        let folder = try Folder()
        _ = try folder.write("b/2.png", TestImages.png(width: 8, height: 8))
        _ = try folder.write("a.jpg", JPEGWriter.jpeg(width: 8, height: 8))
        _ = try folder.write("b/notes.txt", Array("hello".utf8))
        _ = try folder.write("b/c/1.gif", GIFWriter.gif(width: 2, height: 2, palette: [UInt8](repeating: 1, count: 384), indices: [0, 1, 1, 0]))
        let root = folder.url.path
        let collected = MediaFileCollector().collect([root, root + "/nowhere"])
        #expect(collected.files == [root + "/a.jpg", root + "/b/2.png", root + "/b/c/1.gif"])
        #expect(collected.missing == [root + "/nowhere"])
        #expect(collected.skipped == 1)
    }

    @Test func fastModeStaysCloseToExact() throws {
        let jpeg = JPEGWriter.jpeg(width: 2400, height: 1600)
        let exact = try MediaHasher().hash(bytes: jpeg)
        let fast = try MediaHasher(options: HashOptions(fast: true)).hash(bytes: jpeg)
        #expect(fast.width < exact.width)
        #expect(fast.pdq.hash.distance(to: exact.pdq.hash) <= 16)
    }
}
