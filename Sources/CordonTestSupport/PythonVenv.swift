import Foundation

/// A throwaway Python virtual environment with packages from PyPI, for tests that run the
/// real tools other people use (python-threatexchange) against Cordon.
///
/// Made once per package list under the build folder (`.build/venvs/`, which a fresh
/// clone does not have and git ignores), so one test run installs it once.
public struct PythonVenv: Sendable {
    public let folder: URL

    public var python: String { folder.appendingPathComponent("bin/python").path }

    /// The environment's executable `name` (`threatexchange`).
    public func tool(_ name: String) -> String { folder.appendingPathComponent("bin/\(name)").path }

    private static let lock = NSLock()

    /// The environment with `packages` (pinned `name==version` specs), made if missing.
    public static func with(_ packages: [String]) throws -> PythonVenv {
        lock.lock()
        defer { lock.unlock() }
        let name = packages.joined(separator: "+").replacingOccurrences(of: "=", with: "")
        let folder = buildFolder.appendingPathComponent("venvs/\(name)")
        let venv = PythonVenv(folder: folder)
        let done = folder.appendingPathComponent(".installed")
        if FileManager.default.fileExists(atPath: done.path) { return venv }
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
        try run("/usr/bin/env", ["python3", "-m", "venv", folder.path])
        // Packages compiled here (vpdq) build on one core: timing-bound tests run beside them.
        try run("/usr/bin/env", ["CMAKE_BUILD_PARALLEL_LEVEL=1", "MAKEFLAGS=-j1", venv.python, "-m", "pip", "install", "--quiet",
                                 "--disable-pip-version-check"] + packages)
        FileManager.default.createFile(atPath: done.path, contents: Data())
        return venv
    }

    /// Runs the environment's Python on `script` (a file) with `arguments`; what it printed.
    public func run(script: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String, errors: String) {
        try Self.capture(python, [script] + arguments, environment: environment)
    }

    /// Runs a program with a bounded time, capturing stdout and stderr.
    public static func capture(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                               in directory: URL? = nil, timeout: TimeInterval = 120) throws -> (status: Int32, output: String, errors: String) {
        let result = try ChildProcess.run(URL(fileURLWithPath: executable), arguments, environment: environment, in: directory,
                                          timeout: timeout)
        return (result.status, result.stdout, result.stderr)
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let result = try capture(executable, arguments, timeout: 900)
        guard result.status == 0 else {
            throw PythonVenvError(message: "\(executable) \(arguments.joined(separator: " ")) failed: \(result.errors.suffix(2000))")
        }
    }

    /// The package's `.build` folder: where this test binary was built.
    private static var buildFolder: URL {
        var folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        while folder.lastPathComponent != ".build", folder.path != "/" { folder = folder.deletingLastPathComponent() }
        return folder.path == "/" ? FileManager.default.temporaryDirectory : folder
    }
}

public struct PythonVenvError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
