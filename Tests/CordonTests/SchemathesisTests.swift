import CordonTestSupport
import Foundation
import Testing

extension RealProcessTests {
    /// schemathesis (from PyPI) reads `/openapi.json` and throws generated requests at a real
    /// `cordon serve --demo`: a bounded run (a few examples an operation) as part of the
    /// suite, with every check but positive data acceptance, whose remaining findings are
    /// listed in the README (requests the document cannot tell apart from valid ones, such as
    /// a time that must be in the future or a clicks count no larger than the impressions).
    @Suite(.serialized) struct SchemathesisTests {
        static let version = "schemathesis==4.32.5"

        @Test func aBoundedRunFindsNoServerErrorNoWrongStatusAndNoAnswerOffTheDocument() async throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-schemathesis-\(UUID())")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let venv = try PythonVenv.with([Self.version])
            let server = try ServerProcess(["--demo", "--database", "sqlite:" + folder.appendingPathComponent("hub.sqlite").path])
            defer { server.stop() }
            let key = try #require(server.banner.firstMatch(of: /Demo Platform admin API key \(shown once\): (cdn_[0-9a-f]{64})/).map { String($0.output.1) })
            let run = try PythonVenv.capture(venv.tool("schemathesis"), [
                "--no-color", "run", "http://127.0.0.1:\(server.port)/openapi.json",
                "--checks", "all", "--exclude-checks", "positive_data_acceptance",
                "--header", "Authorization: Bearer \(key)",
                "--max-examples", "3", "--phases", "examples,coverage,fuzzing", "--workers", "2",
                "--request-timeout", "20", "--generation-deterministic",
            ], environment: ["SCHEMATHESIS_HOOKS": "", "HOME": folder.path], in: folder, timeout: 900) // its cache, not the checkout's
            #expect(run.status == 0, "schemathesis found failures:\n\(run.output.suffix(6000))\n\(run.errors.suffix(2000))")
            #expect(run.output.contains("Tested:") || run.output.contains("passed"), "\(run.output.suffix(2000))")
        }
    }
}
