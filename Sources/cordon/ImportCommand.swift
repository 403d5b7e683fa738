import ArgumentParser
import CordonDomain
import CordonInterop
import Foundation
import NIOHTTP1

/// `cordon import`: a hash-list file into a collection, in bulk. Idempotent: a hash the
/// collection has already gains your organisation as a source, or stays as it is, so an
/// interrupted import is simply run again.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add the hashes of hash-list files to a collection, and say what was added, merged and refused.",
        discussion: "Formats: \(HashListFormat.allCases.map(\.rawValue).joined(separator: ", ")).")

    @OptionGroup var options: HubOptions

    @Option(help: "The collection's id.")
    var collection: String

    @Option(help: "The files' format.")
    var format: HashListFormat

    @Option(help: "Hashes per request (at most 10,000).")
    var batch = 1000

    @Argument(help: "The list files.")
    var files: [String]

    func validate() throws {
        guard UUID(uuidString: collection) != nil else { throw ValidationError("--collection: give the collection's id (a UUID)") }
        guard (1...10_000).contains(batch) else { throw ValidationError("--batch is 1 to 10,000; got \(batch)") }
    }

    func run() async throws {
        let api = try options.api
        var entries: [HashListEntry] = []
        var refused: [String] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            do {
                let read = try HashListReader(format: format).read(data)
                entries += read.entries.filter { !$0.deleted }
                refused += read.refused.map { "\(file):\($0)" }
            } catch {
                throw ValidationError("\(file): \(error)")
            }
        }
        var summary = ImportSummary()
        let bar = ProgressBar(total: entries.count)
        for chunk in stride(from: 0, to: entries.count, by: batch).map({ entries[$0..<min($0 + batch, entries.count)] }) {
            let signals = try chunk.map { entry -> [String: Any] in
                try JSONSerialization.jsonObject(with: JSONEncoder().encode(entry.submission)) as! [String: Any]
            }
            let answer = try await api.object(.POST, "/v1/collections/\(collection.lowercased())/signals", json: ["signals": signals],
                                              headers: [("Prefer", "return=minimal")])
            for result in answer["results"] as? [[String: Any]] ?? [] {
                summary.count(result["outcome"] as? String ?? "")
            }
            bar.advance(by: chunk.count)
        }
        bar.finish()
        for line in refused.prefix(50) { FileHandle.standardError.write("refused \(line)\n") }
        if refused.count > 50 { FileHandle.standardError.write("… and \(refused.count - 50) more refused\n") }
        print("added \(summary.added), merged \(summary.merged) (already there: \(summary.unchanged) unchanged, \(summary.merged - summary.unchanged) gained your organisation as a source), refused \(refused.count)")
    }

    struct ImportSummary {
        var added = 0
        var merged = 0
        var unchanged = 0

        mutating func count(_ outcome: String) {
            switch outcome {
            case "created": added += 1
            case "unchanged": merged += 1; unchanged += 1
            default: merged += 1
            }
        }
    }
}
