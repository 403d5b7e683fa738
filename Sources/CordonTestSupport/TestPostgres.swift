import Foundation

/// A throwaway PostgreSQL server for tests: one cluster per test process, in a temporary
/// folder, on a free loopback port, stopped and deleted when the process exits. Each test
/// asks for its own database. As root (these machines), the server runs as the Debian
/// `postgres` user, since `postgres` refuses to run as root.
public final class TestPostgres: Sendable {
    public let port: Int
    let root: String
    let binaries: String

    /// The shared server, started on first use.
    public static let shared: Result<TestPostgres, TestPostgresError> = Result { () throws(TestPostgresError) in try TestPostgres() }

    /// The cluster's files: its databases and its write-ahead log.
    public var dataDirectory: String { root + "/data" }

    /// A URL for a new, empty database.
    public static func newDatabaseURL() throws -> String {
        try shared.get().createDatabase()
    }

    init() throws(TestPostgresError) {
        guard let binaries = Self.findBinaries() else {
            throw TestPostgresError("no PostgreSQL server binaries under /usr/lib/postgresql: run ./scripts/install-deps.sh")
        }
        self.binaries = binaries
        root = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-pg-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        port = LoopbackPort.free()
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            if getuid() == 0 { try Self.shell("chown postgres:postgres '\(root)'") }
            try Self.shell(Self.asServerUser("'\(binaries)/initdb' -D '\(root)/data' -U postgres --auth=trust -E UTF8 --no-locale >/dev/null"))
            // The server runs in the foreground as this process's child. (`pg_ctl start`
            // daemonises, and the daemon keeps a descriptor open that Foundation's
            // `Process` watches, so waiting for pg_ctl never returned.)
            let server = Process()
            server.executableURL = URL(fileURLWithPath: "/bin/sh")
            server.arguments = ["-c", "exec " + Self.asServerUser(
                "exec '\(binaries)/postgres' -D '\(root)/data' -p \(port) -c listen_addresses=127.0.0.1 -k '\(root)' -c fsync=off -c max_connections=300 >>'\(root)/server.log' 2>&1")]
            server.standardInput = FileHandle.nullDevice
            try server.runUnmasked()
            serverProcess = server.processIdentifier
            try Self.waitUntilReady(port: port, root: root)
        } catch {
            throw TestPostgresError("could not start a test PostgreSQL in \(root): \(error)")
        }
        stopCommand = "rm -rf '\(root)'"
        atexit {
            if serverProcess > 0 {
                kill(serverProcess, SIGQUIT)
                var status: Int32 = 0
                waitpid(serverProcess, &status, 0)
            }
            if let command = stopCommand { _ = system(command) }
        }
    }

    /// Polls until the server accepts connections (bounded: 30 s).
    private static func waitUntilReady(port: Int, root: String) throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if (try? shell("pg_isready -q -h 127.0.0.1 -p \(port)")) != nil { return }
            usleep(100_000)
        }
        let log = (try? String(contentsOfFile: "\(root)/server.log", encoding: .utf8)) ?? ""
        throw TestPostgresError("the server did not accept connections within 30 s; its log:\n\(log)")
    }

    func createDatabase() throws -> String {
        let name = "cordon_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try Self.shell("psql -q -h 127.0.0.1 -p \(port) -U postgres -c 'CREATE DATABASE \(name)' >/dev/null")
        return "postgres://postgres@127.0.0.1:\(port)/\(name)?sslmode=disable"
    }

    /// `command` as the `postgres` user when running as root (the server refuses root);
    /// `setpriv` execs without forking, so the server's pid is the one we started.
    private static func asServerUser(_ command: String) -> String {
        guard getuid() == 0 else { return command }
        let quoted = command.replacingOccurrences(of: "'", with: "'\\''")
        return "setpriv --reuid=postgres --regid=postgres --init-groups --reset-env /bin/sh -c '\(quoted)'"
    }

    private static func findBinaries() -> String? {
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).compactMap { Int($0) }.sorted()
        for version in versions.reversed() {
            let folder = "\(base)/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: "\(folder)/initdb") { return folder }
        }
        return nil
    }

    static func shell(_ command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        try process.runUnmasked()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestPostgresError("`\(command)` exited with \(process.terminationStatus)")
        }
    }
}

/// What `atexit` cleans up (set once, before it can run).
nonisolated(unsafe) private var stopCommand: String?
nonisolated(unsafe) private var serverProcess: pid_t = 0

/// Why the test PostgreSQL could not be used.
public struct TestPostgresError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
