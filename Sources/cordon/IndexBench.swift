import ArgumentParser
import Foundation
import HashIndex

/// Measures the hash index on the shared benchmark data (`../shared/bench/gen_hashes.py`)
/// and prints one JSON object: build time and memory, queries per second on one and on
/// two threads, one-at-a-time latency, recall against the ground truth, insert time.
struct IndexBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Time HashIndex on db_N.bin / queries_N.bin against gt_N.txt.")

    @Option(help: "The database file: 32 raw bytes per hash.")
    var db: String

    @Option(help: "The query file, same format.")
    var queries: String

    @Option(help: "Ground truth (gt_N.txt); queries without a line there are timed but not scored.")
    var groundTruth: String

    @Option(help: "Search radius.")
    var radius: Int = 31

    func run() async throws {
        let baseline = residentMegabytes()
        let started = ContinuousClock.now
        var hashes = try Self.readHashes(db)
        let n = hashes.count
        let loaded = ContinuousClock.now
        let index = HashIndex(ids: (0..<UInt64(n)).map { $0 }, hashes: hashes)
        hashes = []  // the index keeps its own copy; count only that
        let built = ContinuousClock.now
        let memory = residentMegabytes() - baseline
        let queryHashes = try Self.readHashes(queries)
        let truth = try Self.readGroundTruth(groundTruth)

        // One thread, queries back to back.
        var results: [[HashMatch]] = []
        results.reserveCapacity(queryHashes.count)
        let batchStart = ContinuousClock.now
        for query in queryHashes { results.append(index.search(query, maxDistance: radius)) }
        let batchSeconds = (ContinuousClock.now - batchStart).seconds

        // One at a time, each timed.
        var latencies: [Double] = []
        for query in queryHashes.prefix(2000) {
            let t = ContinuousClock.now
            _ = index.search(query, maxDistance: radius)
            latencies.append((ContinuousClock.now - t).seconds * 1000)
        }
        latencies.sort()

        // Two threads.
        let parallelStart = ContinuousClock.now
        _ = await index.search(batch: queryHashes, maxDistance: radius, concurrency: 2)
        let parallelSeconds = (ContinuousClock.now - parallelStart).seconds

        var expected = 0, found = 0, extra = 0
        for (query, ids) in truth where query < results.count {
            let got = Set(results[query].map(\.id))
            expected += ids.count
            found += ids.filter(got.contains).count
            extra += got.subtracting(ids).count
        }

        // Inserting into the full index: each is an append, never a rebuild.
        let insertStart = ContinuousClock.now
        for i in 0..<1000 {
            index.insert(Hash256(UInt64(i), 1, 2, 3), id: UInt64(n + i))
        }
        let insertMicros = (ContinuousClock.now - insertStart).seconds * 1e6 / 1000

        let figures: [String: Any] = [
            "n": n, "queries": queryHashes.count, "radius": radius,
            "recall": expected == 0 ? 1.0 : Double(found) / Double(expected), "false_positives": extra,
            "qps_1t": Double(queryHashes.count) / batchSeconds,
            "qps_2t": Double(queryHashes.count) / parallelSeconds,
            "p50_ms": latencies[latencies.count / 2], "p99_ms": latencies[latencies.count * 99 / 100],
            "build_s": (built - loaded).seconds, "load_s": (loaded - started).seconds,
            "mem_mb": memory, "insert_us": insertMicros,
        ]
        let json = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }

    static func readHashes(_ path: String) throws -> [Hash256] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        guard data.count % 32 == 0 else { throw ValidationError("\(path) is not a whole number of 32-byte hashes") }
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 32)).map { i in
                let at = i * 32
                return Hash256(
                    UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)),
                    UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self)),
                    UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: at + 16, as: UInt64.self)),
                    UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: at + 24, as: UInt64.self)))
            }
        }
    }

    /// `qi<TAB>id:dist id:dist …` per line.
    static func readGroundTruth(_ path: String) throws -> [Int: Set<UInt64>] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var truth: [Int: Set<UInt64>] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard let query = Int(parts[0]) else { continue }
            let ids = parts.count > 1 ? parts[1].split(separator: " ").compactMap { UInt64($0.split(separator: ":")[0]) } : []
            truth[query] = Set(ids)
        }
        return truth
    }

    func residentMegabytes() -> Double {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = Double(statm.split(separator: " ")[1])
        else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
