import ArgumentParser
import Foundation
import MediaHashing
import NIOHTTP1

/// `cordon match`: hash images and videos here and ask the hub which shared signals they
/// match; the media never leaves the machine, only its hashes.
struct MatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Hash images and videos locally and match them against the hub's collections.",
        discussion: """
            One line per file: its matches (signal id, type, how near, labels) or 'no match'; \
            with --format json, one JSON object per file. Exits 1 when a file could not be \
            hashed.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }
    enum Rule: String, ExpressibleByArgument, CaseIterable { case threatexchange, reference }

    @OptionGroup var options: HubOptions

    @Option(help: "Output: text, or json (one object per file).")
    var format: Format = .text

    @Option(help: "Videos: the match rule (python-threatexchange's, or the C++ reference's).")
    var rule: Rule = .threatexchange

    @Flag(help: "Also match images against video frames, and videos' frames against images.")
    var acrossMedia = false

    @Option(help: "How many files to hash at once (default: one per core).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Argument(help: "Image and video files, or folders to walk.")
    var paths: [String]

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("name at least one file or folder to match") }
        guard jobs > 0 else { throw ValidationError("--jobs must be at least 1") }
    }

    func run() async throws {
        let api = try options.api
        let collected = MediaFileCollector().collect(paths)
        var failures = collected.missing.count
        for path in collected.missing { FileHandle.standardError.write("cordon: \(path): no such file or folder\n") }
        let progress = ProgressBar(total: collected.files.count)
        try await LocalMediaHasher(jobs: jobs).hash(collected.files) { result in
            progress.advance()
            switch result {
            case .failure(let failure):
                progress.message("cordon: \(failure.path): \(failure.reason)")
                failures += 1
            case .success(let media):
                var hashes = [media.primary]
                switch media {
                case .image(let record):
                    if let md5 = record.md5, let sha256 = record.sha256 { hashes += [["type": "md5", "value": md5], ["type": "sha256", "value": sha256]] }
                case .video(_, _, let digests):
                    hashes += [["type": "md5", "value": digests.md5], ["type": "sha256", "value": digests.sha256]]
                }
                let answer = try await api.object(.POST, "/v1/match", json: [
                    "hashes": hashes, "rule": rule.rawValue, "acrossMedia": acrossMedia] as [String: Any])
                let matches = (answer["results"] as? [[String: Any]] ?? []).flatMap { $0["matches"] as? [[String: Any]] ?? [] }
                progress.output(line(media.path, matches))
            }
        }
        progress.finish()
        if failures > 0 { throw ExitCode(1) }
    }

    /// The file's line: each match's signal, type, nearness and labels.
    private func line(_ path: String, _ matches: [[String: Any]]) -> String {
        if format == .json {
            let data = (try? JSONSerialization.data(withJSONObject: ["path": path, "matches": matches], options: [.sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
        guard !matches.isEmpty else { return "\(path): no match" }
        var seen = Set<Int>()
        let described = matches.compactMap { match -> String? in
            guard let signal = match["signal"] as? [String: Any], let id = signal["id"] as? Int, seen.insert(id).inserted else { return nil }
            var text = "signal \(id) (\(signal["type"] as? String ?? "?")"
            if let percent = match["queryMatchPercent"] as? Double { text += String(format: ", %.0f%% of frames", percent) }
            if let distance = match["distance"] as? Int { text += ", distance \(distance)" }
            if let frame = match["frame"] as? [String: Any], let time = frame["timestamp"] as? Double { text += String(format: ", at %.1f s", time) }
            let labels = signal["labels"] as? [String: Any] ?? [:]
            let names = (labels["categories"] as? [String] ?? []) + [labels["entity"] as? String, labels["incident"] as? String].compactMap { $0 }
            return text + (names.isEmpty ? ")" : "; " + names.joined(separator: ", ") + ")")
        }
        return "\(path): " + described.joined(separator: "; ")
    }
}
