import ArgumentParser
import CordonDomain
import CordonServices
import CordonInterop
import Foundation
import NIOHTTP1

/// `cordon export`: a collection's current hashes as a list file another tool reads.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a collection's hashes (retracted ones left out) as a hash-list file.",
        discussion: "Formats: \(HashListFormat.allCases.map(\.rawValue).joined(separator: ", ")). "
            + "pytx-file is python-threatexchange's local_file: `threatexchange config collab edit local_file NAME --create --filename FILE`.")

    @OptionGroup var options: HubOptions

    @Option(help: "The collection's id.")
    var collection: String

    @Option(help: "The file format.")
    var format: HashListFormat

    @Option(name: .shortAndLong, help: "Write here instead of standard output.")
    var output: String?

    func run() async throws {
        guard let id = UUID(uuidString: collection) else { throw ValidationError("--collection: give the collection's id (a UUID)") }
        let api = try options.api
        var current: [Int: FeedSignal] = [:]
        var since = 0
        while true {
            let page = try JSONDecoder().decode(FeedPage.self, fromUntrusted: Data(
                try await api.text(.GET, "/v1/feed?collection=\(id.uuidString)&since=\(since)&limit=10000").utf8))
            for change in page.changes { current[change.signal.id] = change.signal }
            guard page.next > since, !page.changes.isEmpty else { break }
            since = page.next
        }
        let entries = current.values.filter { $0.status != .retracted }.sorted { $0.id < $1.id }.map {
            (id: $0.id, entry: HashListEntry(type: $0.type, value: $0.value, labels: $0.labels, item: $0.item, confidence: $0.confidence))
        }
        let writer = HashListWriter(format: format, listName: try await collectionName(id, api))
        let data = writer.write(entries)
        let left = entries.filter { !writer.carries($0.entry.type) }
        if !left.isEmpty {
            let types = Set(left.map(\.entry.type.rawValue)).sorted().joined(separator: ", ")
            FileHandle.standardError.write("left out \(left.count) signals (\(types)) that the \(format.rawValue) format cannot carry\n")
        }
        if let output {
            try data.write(to: URL(fileURLWithPath: output))
            FileHandle.standardError.write("wrote \(entries.count - left.count) hashes to \(output)\n")
        } else {
            FileHandle.standardOutput.write(data)
        }
    }

    private func collectionName(_ id: UUID, _ api: HubAPI) async throws -> String {
        let collections = try await api.array(.GET, "/v1/collections")
        return collections.first { ($0["id"] as? String).flatMap(UUID.init(uuidString:)) == id }?["name"] as? String ?? id.uuidString
    }

    /// What the export reads of `/v1/feed`.
    struct FeedPage: Decodable {
        var changes: [Change]
        var next: Int

        struct Change: Decodable {
            var signal: FeedSignal
        }
    }

    struct FeedSignal: Decodable {
        var id: Int
        var type: SignalType
        var value: String
        var labels: SignalLabels
        var item: String?
        var confidence: Double
        var status: SignalStatus
    }
}

extension HashListFormat: ExpressibleByArgument {}
