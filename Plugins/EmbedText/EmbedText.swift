import Foundation
import PackagePlugin

/// Compiles a target's text files (the OpenAPI document, page templates, stylesheet and
/// script) into it as string literals, so `cordon` serves them with nothing beside it on disk.
///
/// SwiftPM's own `embedInCode` writes each file as an array literal of bytes, and the
/// compiler spends most of a minute on the 280 KB OpenAPI document alone; the same text as a
/// raw string literal compiles in a fraction of a second.
///
/// The source is written by `render.sh` beside this file, run by `/bin/sh` as a build command
/// whose inputs are the text files, so the build system writes it again whenever one of them
/// changes. Not a tool built from this package: such a tool is built with the build's Swift
/// flags, and `bench/fuzz` builds with `-sanitize=fuzzer`, with which no tool links. Not
/// written by the plugin itself either: SwiftPM runs a plugin again only when the package's
/// files are added or removed, so an edited template stayed stale until then.
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
        let script = context.package.directoryURL.appending(path: "Plugins/EmbedText/render.sh")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding text files in \(target.name) (\(inputs.count))",
                executable: URL(filePath: "/bin/sh"),
                arguments: [script.path, output.path] + inputs.map(\.path),
                inputFiles: inputs + [script],
                outputFiles: [output])
        ]
    }
}
