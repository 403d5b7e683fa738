@testable import CordonHub
@testable import CordonWeb
import Foundation
import Testing

/// The EmbedText plugin compiles the templates, assets and OpenAPI document into the binary
/// as raw string literals; each must come out byte for byte as it is on disk, including the
/// backslashes, `#` runs and `"""` that a literal could misread.
@Suite struct EmbeddedFilesTests {
    static let sources = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "../../Sources")

    static func disk(_ path: String) throws -> String {
        try String(contentsOf: sources.appending(path: path), encoding: .utf8)
    }

    @Test func everyTemplateIsEmbeddedExactly() throws {
        let folder = Self.sources.appending(path: "CordonWeb/Templates")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".mustache") }.map { String($0.dropLast(".mustache".count)) }
        #expect(Set(names) == Set(PageTemplates.sources.keys), "a template on disk is not registered, or the other way round")
        for name in names {
            #expect(PageTemplates.sources[name] == (try Self.disk("CordonWeb/Templates/\(name).mustache")), "\(name).mustache")
        }
    }

    @Test func assetsAreServedExactlyAsOnDisk() async throws {
        let f = try await PageFixture.make()
        try await f.withServer { _, http in
            let browser = PageClient(http)
            let css = try await browser.get("/assets/cordon.css"), js = try await browser.get("/assets/cordon.js")
            #expect(css.body == (try Self.disk("CordonWeb/Assets/cordon.css")))
            #expect(js.body == (try Self.disk("CordonWeb/Assets/cordon.js")))
        }
    }

    @Test func openAPIDocumentIsEmbeddedExactly() throws {
        let disk = try Self.disk("CordonHub/openapi.json")
        #expect(disk.contains("\\\\") && disk.contains("\"#/"), "the document no longer has the characters this test is about")
        #expect(OpenAPIDocument.json == Array(disk.utf8))
    }
}
