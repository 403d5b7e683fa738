import ArgumentParser
import CordonServices
import CordonStore
import Foundation
import NIOHTTP1

/// `cordon audit …`: the tamper-evident audit chain, checked by the hub or offline.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Verify or export the audit log's hash chain (operator and oversight keys).",
        subcommands: [Verify.self, Export.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the chain: on the hub, or offline from an export (--file) and the hub's public key.",
            discussion: "Exits 0 when the chain is intact, 1 when anything was deleted, altered, inserted or moved.")

        @OptionGroup var options: HubOptions

        @Option(help: "An export made by `cordon audit export`, verified here without the hub.")
        var file: String?

        @Option(help: "With --file: a public key of the hub's (base64, from GET /v1/hub-keys), repeated for each key to trust; default: the keys in the export.")
        var publicKey: [String] = []

        func run() async throws {
            let export: API.AuditChainExport
            if let file {
                guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
                do {
                    export = try JSONDecoder().decode(API.AuditChainExport.self, fromUntrusted: data)
                } catch {
                    throw ValidationError("\(file) is not an audit chain export: \(error)")
                }
            } else {
                export = try await Export.fetch(options)
            }
            let keys = publicKey.isEmpty ? export.keys.map(\.publicKey) : publicKey
            let problems = AuditChain.verify(export.entries, checkpoints: export.checkpoints) { checkpoint in
                keys.contains { HubServices.isSigned(checkpoint, by: $0) }
            }
            let sealed = export.entries.filter { $0.seal != nil }.count
            for problem in problems { FileHandle.standardError.write("\(problem)\n") }
            print(problems.isEmpty
                  ? "verified: \(sealed) sealed entries, \(export.checkpoints.count) signed checkpoints"
                  : "NOT verified: \(problems.count) problem\(problems.count == 1 ? "" : "s") in \(sealed) sealed entries")
            if !problems.isEmpty { throw ExitCode(1) }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write every entry, checkpoint and the hub's public key as JSON.")

        @OptionGroup var options: HubOptions

        @Option(name: .shortAndLong, help: "Write here instead of standard output.")
        var output: String?

        func run() async throws {
            let export = try await Self.fetch(options)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = try encoder.encode(export)
            if let output { try data.write(to: URL(fileURLWithPath: output)) } else { FileHandle.standardOutput.write(data) }
        }

        static func fetch(_ options: HubOptions) async throws -> API.AuditChainExport {
            try JSONDecoder().decode(API.AuditChainExport.self, fromUntrusted: Data(try await options.api.text(.GET, "/v1/audit/chain").utf8))
        }
    }
}
