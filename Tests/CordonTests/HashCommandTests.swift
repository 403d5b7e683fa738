import CordonTestSupport
import Foundation
import PDQ
import Testing

@Suite struct HashCommandTests {
    /// A folder of generated images and broken files, removed afterwards.
    final class Corpus {
        let url: URL
        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-cli-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url.appendingPathComponent("nested"), withIntermediateDirectories: true)
            try Data(TestImages.png(width: 320, height: 240, seed: 1)).write(to: url.appendingPathComponent("a.png"))
            try Data(JPEGWriter.jpeg(width: 320, height: 240, seed: 2)).write(to: url.appendingPathComponent("nested/b.jpg"))
            let flat = PNGWriter.png(width: 100, height: 100, bitDepth: 8, colorType: .grey,
                                     rows: [[UInt8]](repeating: [UInt8](repeating: 90, count: 100), count: 100))
            try Data(flat).write(to: url.appendingPathComponent("nested/flat.png"))
        }
        func path(_ name: String) -> String { url.appendingPathComponent(name).path }
        func write(_ name: String, _ bytes: [UInt8]) throws -> String {
            try Data(bytes).write(to: url.appendingPathComponent(name))
            return path(name)
        }
        deinit { try? FileManager.default.removeItem(at: url) }
    }

    @Test func textOutputIsTheReferenceFormat() throws {
        let corpus = try Corpus()
        let result = try CordonRunner.run(["hash", corpus.url.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.lines.count == 3)
        let fields = result.lines[0].split(separator: ",", maxSplits: 2).map(String.init)
        #expect(PDQHash(hex: fields[0]) != nil && Int(fields[1]) == 100 && fields[2] == corpus.path("a.png"))
        #expect(result.lines[1].hasSuffix(",\(corpus.path("nested/b.jpg"))"))
        // The flat image is hashed, not dropped, and flagged on stderr.
        #expect(result.lines[2].hasSuffix(",0,\(corpus.path("nested/flat.png"))"))
        #expect(result.stderr.contains("\(corpus.path("nested/flat.png")): low quality"))
    }

    @Test func badFilesAreReportedAndTheRestStillHashed() throws {
        let corpus = try Corpus()
        let broken = BrokenFiles.corpus(validPNG: TestImages.png(width: 64, height: 48),
                                        validJPEG: JPEGWriter.jpeg(width: 300, height: 200))
        var paths = [corpus.path("a.png")]
        for file in broken { paths.append(try corpus.write(file.name, file.bytes)) }
        paths.append(corpus.path("nested/b.jpg"))
        paths.append(corpus.path("missing.png"))
        let result = try CordonRunner.run(["hash"] + paths)
        #expect(result.status == 1)
        #expect(result.lines.count == 2, "only the two good files print hashes")
        for file in broken {
            #expect(result.stderr.contains("\(corpus.path(file.name)): \(file.code):"), "\(file.name) reported")
        }
        #expect(result.stderr.contains("missing.png: no such file or folder"))
    }

    @Test func jsonAndCSVCarryTheSameHashesAndFlags() throws {
        let corpus = try Corpus()
        let text = try CordonRunner.run(["hash", corpus.url.path]).lines
        let json = try CordonRunner.run(["hash", "--format", "json", "--digests", corpus.url.path])
        #expect(json.status == 0)
        let objects = try json.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.map { $0["pdq"] as! String } == text.map { String($0.prefix(64)) })
        #expect(objects.map { $0["lowQuality"] as! Bool } == [false, false, true])
        let expectedSHA = try Self.sha256sum(corpus.path("a.png"))
        #expect(objects[0]["sha256"] as? String == expectedSHA)
        #expect((objects[0]["md5"] as? String)?.count == 32)

        let csv = try CordonRunner.run(["hash", "--format", "csv", corpus.url.path]).lines
        #expect(csv[0] == "path,format,width,height,pdq,quality,low_quality")
        #expect(csv.count == 4 && csv[3].hasSuffix(",0,true") && csv[1].contains(",png,320,240,"))
    }

    @Test func dihedralTextHasEightHashesThenQualityAndPath() throws {
        let corpus = try Corpus()
        let plain = try CordonRunner.run(["hash", corpus.path("a.png")]).lines[0]
        let line = try CordonRunner.run(["hash", "--dihedral", corpus.path("a.png")]).lines[0]
        let fields = line.split(separator: ",").map(String.init)
        #expect(fields.count == 10)
        #expect(fields[0] == String(plain.prefix(64)))
        #expect(fields[1...7].allSatisfy { PDQHash(hex: $0) != nil })
        #expect(fields[9] == corpus.path("a.png"))
    }

    @Test func maxPixelsRefusesLargerImages() throws {
        let corpus = try Corpus()
        let result = try CordonRunner.run(["hash", "--max-pixels", "10000", corpus.path("a.png")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("too-large") && result.stderr.contains("--max-pixels"))
    }

    @Test(arguments: [["hash"], ["hash", "--format", "xml", "x.png"], ["hash", "--jobs", "0", "x.png"],
                      ["hash", "--max-pixels", "-5", "x.png"], ["frobnicate"]])
    func badArgumentsFailWithAMessage(_ arguments: [String]) throws {
        let result = try CordonRunner.run(arguments)
        #expect(result.status != 0)
        #expect(!result.stderr.isEmpty)
        #expect(result.stdout.isEmpty)
    }

    @Test(.enabled(if: SharedVectors.available, Comment(rawValue: SharedVectors.skipReason)))
    func hashesTheVectorsAsTheReference() throws {
        let root = try #require(SharedVectors.pdq)
        let result = try CordonRunner.run(["hash", "images/dih/bridge-1-original.jpg", "images/modes/CMYK.jpg"], in: root)
        #expect(result.lines == [
            "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,100,images/dih/bridge-1-original.jpg",
            "f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596221e1d33e6b39c4e9c9b22,100,images/modes/CMYK.jpg",
        ])
    }

    static func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.runUnmasked()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }
}
