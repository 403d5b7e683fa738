import ArgumentParser
import Foundation
import PDQ
import VideoHash

/// Measures video matching on bench/video-match's data (`bench/gen_videos.py`) and prints
/// one JSON object: build time and memory of a ``VPDQIndex`` filled one video at a time
/// (as a hub's feed fills it), queries per second on one thread, p50/p99; each query's
/// matched videos go to `--matches` for the agreement check.
struct VideoMatchBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "video-match",
        abstract: "Time VPDQIndex on videos_N.* / queries_N.* (python-threatexchange's rule).")

    @Option(help: "The data folder.")
    var data: String

    @Option(help: "How many stored videos (the files' N).")
    var n: Int

    @Option(help: "Where to write each query's matched videos.")
    var matches: String

    func run() throws {
        let started = ContinuousClock.now
        let stored = try Self.videos(URL(fileURLWithPath: data).appendingPathComponent("videos_\(n)").path)
        let loaded = ContinuousClock.now
        // The index keeps the loaded frame lists themselves (no copy): counted below.
        let baseline = IndexBench().residentMegabytes()
        let index = VPDQIndex()
        for (number, video) in stored.enumerated() { index.add(video, of: String(number)) }
        index.compact()
        let built = ContinuousClock.now
        let frames = stored.reduce(0) { $0 + $1.count }
        let memory = IndexBench().residentMegabytes() - baseline + Double(frames * MemoryLayout<VPDQFeature>.stride) / 1_048_576
        let queries = try Self.videos(URL(fileURLWithPath: data).appendingPathComponent("queries_\(n)").path)

        var latencies: [Double] = [], lines: [String] = []
        let batch = ContinuousClock.now
        for (number, query) in queries.enumerated() {
            let t = ContinuousClock.now
            let found = index.matches(for: query, rule: .threatExchange)
            latencies.append((ContinuousClock.now - t).seconds * 1000)
            lines.append("\(number):" + found.keys.compactMap(Int.init).sorted().map(String.init).joined(separator: ","))
        }
        let seconds = (ContinuousClock.now - batch).seconds
        try (lines.joined(separator: "\n") + "\n").write(toFile: matches, atomically: true, encoding: .utf8)
        latencies.sort()
        let figures: [String: Any] = [
            "videos": stored.count, "frames": frames, "queries": queries.count, "qps_1t": Double(queries.count) / seconds,
            "p50_ms": latencies[latencies.count / 2], "p99_ms": latencies[min(latencies.count - 1, latencies.count * 99 / 100)],
            "build_s": (built - loaded).seconds, "load_s": (loaded - started).seconds, "mem_mb": memory,
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys]), as: UTF8.self))
    }

    /// The videos of `prefix`.bin/.quality/.count, one frame a second.
    static func videos(_ prefix: String) throws -> [[VPDQFeature]] {
        guard let hashes = FileManager.default.contents(atPath: prefix + ".bin"),
              let quality = FileManager.default.contents(atPath: prefix + ".quality"),
              let counts = FileManager.default.contents(atPath: prefix + ".count")
        else { throw ValidationError("cannot read \(prefix).bin, .quality and .count (bench/gen_videos.py writes them)") }
        let bytes = [UInt8](hashes), qualities = [UInt8](quality)
        var videos: [[VPDQFeature]] = [], frame = 0
        for offset in stride(from: 0, to: counts.count, by: 4) {
            let count = Int(counts[offset]) | Int(counts[offset + 1]) << 8 | Int(counts[offset + 2]) << 16 | Int(counts[offset + 3]) << 24
            videos.append((0..<count).map { i in
                let hash = PDQHash(bytes: bytes[(frame + i) * 32..<(frame + i + 1) * 32])!
                return VPDQFeature(frameNumber: i, quality: Int(qualities[frame + i]), hash: hash, timestamp: Float(i))
            })
            frame += count
        }
        return videos
    }
}
