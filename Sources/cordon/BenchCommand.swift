import ArgumentParser
import Foundation
import MediaDecoding
import MediaHashing
import PDQ

/// `cordon bench …`: measurements that the `bench/` scripts compare with other tools.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Cordon's speed (used by the scripts in bench/).",
        subcommands: [PDQBench.self, IndexBench.self, VideoMatchBench.self, OrdersBench.self, PagesBench.self, MirrorBench.self, LoadBench.self])
}

/// Times decoding and PDQ hashing separately, one image at a time on one core, and prints
/// one JSON object per image.
struct PDQBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pdq",
        abstract: "Time decode and PDQ hash of each image on one core (best of --repeat runs).")

    @Argument(help: "Image files.")
    var paths: [String]

    @Option(help: "Runs per image; the fastest is reported.")
    var `repeat`: Int = 3

    @Flag(help: "Decode JPEGs at reduced scale, as `cordon hash --fast`.")
    var fast = false

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("name at least one image") }
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
    }

    func run() throws {
        let decoder = ImageDecoder()
        let hasher = PDQHasher()
        var failed = false
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write("cordon: \(path): cannot read the file\n")
                failed = true
                continue
            }
            let bytes = [UInt8](data)
            var bestDecode = Double.infinity, bestHash = Double.infinity
            var result = PDQResult(hash: .zero, quality: 0)
            do {
                for _ in 0..<`repeat` {
                    let started = ContinuousClock.now
                    let image = fast && ImageFormat(sniffing: bytes) == .jpeg
                        ? try decoder.decodeJPEG(bytes, targetingAtLeast: MediaHasher.fastTargetSide)
                        : try decoder.decode(bytes)
                    let decoded = ContinuousClock.now
                    result = image.pixels.withUnsafeBufferPointer {
                        hasher.hash(pixels: $0, width: image.width, height: image.height, channels: image.channels)
                    }
                    let hashed = ContinuousClock.now
                    bestDecode = min(bestDecode, (decoded - started).milliseconds)
                    bestHash = min(bestHash, (hashed - decoded).milliseconds)
                }
            } catch {
                FileHandle.standardError.write("cordon: \(path): \(error)\n")
                failed = true
                continue
            }
            let line: [String: Any] = [
                "path": path, "decode_ms": bestDecode, "hash_ms": bestHash,
                "pdq": result.hash.hex, "quality": result.quality,
            ]
            let json = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: json, as: UTF8.self))
        }
        if failed { throw ExitCode(1) }
    }
}

extension Duration {
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
