import ArgumentParser
import CordonDomain
import Foundation
import MediaHashing
import NIOHTTP1
import PDQ

/// `cordon submit`: hash images and videos here (all cores) and share them in a collection,
/// in bulk, with labels. Resumable: each file shared is written to a journal, and a run
/// that was interrupted skips what the journal has; the hub's idempotence covers the rest.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Hash images and videos (files and folders) and share them in a collection, with labels.",
        discussion: """
            Images are shared as PDQ (with --digests also as MD5 and SHA-256), videos as vPDQ \
            with the file's MD5 and SHA-256. Images with too little detail to hash (quality \
            under 50) are reported and not shared. Files already in the journal are skipped.
            """)

    @OptionGroup var options: HubOptions

    @Option(help: "The collection's id.")
    var collection: String

    @Option(help: "A category (Art. 2(7)), repeatable: \(ContentCategory.allCases.map(\.rawValue).joined(separator: ", ")).")
    var category: [String] = []

    @Option(help: "A behaviour, repeatable: \(Behaviour.allCases.map(\.rawValue).joined(separator: ", ")).")
    var behaviour: [String] = []

    @Option(help: "The entity, as named on a designation list.")
    var entity: String?

    @Option(help: "The incident the content belongs to.")
    var incident: String?

    @Flag(help: "Also share images' MD5 and SHA-256.")
    var digests = false

    @Option(help: "Signals per request.")
    var batch = 500

    @Option(help: "Where files already shared are recorded, so a second run resumes.")
    var journal = ".cordon-submit.journal"

    @Option(help: "How many files to hash at once (default: one per core).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Argument(help: "Image and video files, or folders to walk.")
    var paths: [String]

    func validate() throws {
        guard UUID(uuidString: collection) != nil else { throw ValidationError("--collection: give the collection's id (a UUID)") }
        guard (1...10_000).contains(batch) else { throw ValidationError("--batch is 1 to 10,000; got \(batch)") }
        guard jobs > 0 else { throw ValidationError("--jobs must be at least 1") }
        guard !paths.isEmpty else { throw ValidationError("name at least one file or folder to share") }
        for name in category where ContentCategory(rawValue: name) == nil { throw ValidationError("--category: no category '\(name)'") }
        for name in behaviour where Behaviour(rawValue: name) == nil { throw ValidationError("--behaviour: no behaviour '\(name)'") }
    }

    func run() async throws {
        let api = try options.api
        let collected = MediaFileCollector().collect(paths)
        for path in collected.missing { FileHandle.standardError.write("cordon: \(path): no such file or folder\n") }
        let journal = try SubmitJournal(path: self.journal, collection: collection.lowercased())
        let files = collected.files.filter { !journal.contains($0) }
        let resumed = collected.files.count - files.count
        if resumed > 0 { FileHandle.standardError.write("cordon: \(resumed) file(s) already shared (in \(self.journal)): skipped\n") }
        var labels: [String: Any] = ["categories": category, "behaviours": behaviour]
        if let entity { labels["entity"] = entity }
        if let incident { labels["incident"] = incident }

        var summary = ImportCommand.ImportSummary()
        var failures = collected.missing.count, lowQuality = 0, shared = 0
        var pending: [(path: String, signals: [[String: Any]])] = []
        let progress = ProgressBar(total: files.count)
        func flush() async throws {
            guard !pending.isEmpty else { return }
            let signals = pending.flatMap(\.signals)
            let answer = try await api.object(.POST, "/v1/collections/\(collection.lowercased())/signals", json: ["signals": signals],
                                              headers: [("Prefer", "return=minimal")])
            for result in answer["results"] as? [[String: Any]] ?? [] { summary.count(result["outcome"] as? String ?? "") }
            try journal.record(pending.map(\.path))
            shared += pending.count
            pending.removeAll()
        }
        try await LocalMediaHasher(jobs: jobs).hash(files) { result in
            progress.advance()
            switch result {
            case .failure(let failure):
                progress.message("cordon: \(failure.path): \(failure.reason)")
                failures += 1
            case .success(let media):
                if case .image(let record) = media, record.pdq.isLowQuality {
                    progress.message("cordon: \(record.path): quality \(record.pdq.quality) is under \(PDQResult.lowQualityThreshold): not shared (it would match unrelated images)")
                    lowQuality += 1
                    return
                }
                var signals = [media.primary]
                if digests, case .image(let record) = media, let md5 = record.md5, let sha256 = record.sha256 {
                    signals += [["type": "md5", "value": md5], ["type": "sha256", "value": sha256]]
                }
                pending.append((media.path, signals.map { $0.merging(["labels": labels]) { a, _ in a } }))
                if pending.reduce(0, { $0 + $1.signals.count }) >= batch { try await flush() }
            }
        }
        try await flush()
        progress.finish()
        print("shared \(shared) file(s): \(summary.added) new signals, \(summary.merged) already there "
            + "(\(summary.merged - summary.unchanged) gained your organisation as a source); \(lowQuality) too plain to share, \(failures) failed")
        if failures > 0 { throw ExitCode(1) }
    }
}

/// The files `cordon submit` has shared, one line each (`collection<TAB>path<TAB>size<TAB>modified`),
/// so an interrupted run resumes where it stopped; a file changed since is shared again.
struct SubmitJournal {
    let path: String
    let collection: String
    private var done: Set<String> = []

    init(path: String, collection: String) throws {
        self.path = path
        self.collection = collection
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            done = Set(text.split(separator: "\n").filter { $0.hasPrefix(collection + "\t") }.map(String.init))
        }
    }

    func contains(_ file: String) -> Bool {
        entry(file).map(done.contains) ?? false
    }

    /// Appends the files, after the hub has taken them.
    func record(_ files: [String]) throws {
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw ValidationError("cannot write the journal \(path)") }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(files.compactMap(entry).map { $0 + "\n" }.joined().utf8))
    }

    private func entry(_ file: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
              let size = attributes[.size] as? Int, let modified = attributes[.modificationDate] as? Date else { return nil }
        let absolute = URL(fileURLWithPath: file).standardizedFileURL.path
        return "\(collection)\t\(absolute)\t\(size)\t\(Int(modified.timeIntervalSince1970))"
    }
}
