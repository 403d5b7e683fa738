import CordonTestSupport
import Foundation

/// Runs the built `cordon` binary and captures what it prints, as a user would see it.
struct CordonRunner {
    typealias Output = ChildProcess.Output

    /// The `cordon` executable beside the test bundle in the build folder.
    static let binary: URL = {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = exe.deletingLastPathComponent()
        // The test runner may sit inside an .xctest bundle folder.
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("cordon").path),
              folder.path != "/"
        {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("cordon")
    }()

    static func run(_ arguments: [String], in directory: URL? = nil, input: String? = nil) throws -> Output {
        try ChildProcess.run(binary, arguments, in: directory, input: input)
    }
}
