import Foundation
import PackagePlugin

/// Compiles a target's text files (the OpenAPI document, page templates, stylesheet and
/// script) into it as string literals, so `cordon` serves them with nothing beside it on disk.
///
/// SwiftPM's own `embedInCode` writes each file as an array literal of bytes, and the
/// compiler spends most of a minute on the 280 KB OpenAPI document alone; the same text as a
/// raw string literal compiles in a fraction of a second.
@main
struct EmbedText: BuildToolPlugin {
    /// The kinds of file this plugin embeds; everything else in the target is left to SwiftPM.
    static let extensions: Set<String> = ["json", "mustache", "css", "js"]

    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        guard let module = target as? SourceModuleTarget else { return [] }
        let inputs = module.sourceFiles.map(\.url)
            .filter { Self.extensions.contains($0.pathExtension) }
            .sorted { $0.path < $1.path }
        guard !inputs.isEmpty else { return [] }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding text files in \(target.name) (\(inputs.count))",
                executable: try context.tool(named: "embed-text").url,
                arguments: [output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output])
        ]
    }
}
