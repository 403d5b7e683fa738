import Foundation
import PackagePlugin

/// Compiles a target's text files (the OpenAPI document, page templates, stylesheet and
/// script) into it as string literals, so `cordon` serves them with nothing beside it on disk.
///
/// SwiftPM's own `embedInCode` writes each file as an array literal of bytes, and the
/// compiler spends most of a minute on the 280 KB OpenAPI document alone; the same text as a
/// raw string literal compiles in a fraction of a second.
///
/// The plugin writes the source itself and hands it over with `cp -p`, instead of running a
/// tool built from this package: such a tool is built with the build's Swift flags, and
/// `bench/fuzz` builds with `-sanitize=fuzzer`, with which no tool links. The file is
/// rewritten only when its text changes, so an unchanged build compiles nothing again.
@main
struct EmbedText: BuildToolPlugin {
    /// The kinds of file this plugin embeds; everything else in the target is left to SwiftPM.
    static let extensions: Set<String> = ["json", "mustache", "css", "js"]

    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        guard let module = target as? SourceModuleTarget else { return [] }
        // The manifest excludes these files from the target (SwiftPM would otherwise warn
        // that it does not know what to do with them), so they are found on disk.
        let files = FileManager.default.enumerator(at: module.directoryURL, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL } ?? []
        let inputs = files.filter { Self.extensions.contains($0.pathExtension) }.sorted { $0.path < $1.path }
        guard !inputs.isEmpty else { return [] }

        let staging = context.pluginWorkDirectoryURL.appending(path: "staging")
        let generated = context.pluginWorkDirectoryURL.appending(path: "generated")
        for folder in [staging, generated] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        let file = staging.appending(path: "EmbeddedFiles.swift")
        let source = Data(try EmbeddedSource.render(inputs).utf8)
        if (try? Data(contentsOf: file)) != source {
            try source.write(to: file)
        }
        return [
            .prebuildCommand(
                displayName: "Embedding text files in \(target.name) (\(inputs.count))",
                executable: URL(filePath: "/bin/cp"),
                arguments: ["-p", file.path, generated.path],
                outputFilesDirectory: generated)
        ]
    }
}
