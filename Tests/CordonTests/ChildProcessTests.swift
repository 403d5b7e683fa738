import CordonTestSupport
import Foundation
import Testing

/// Programs the tests start (pip, cmake, PostgreSQL, chromedriver, cordon) block no
/// signals: they inherited the runtime's worker-thread mask, with SIGCHLD blocked, and
/// cmake building vpdq's wheel waited forever for a child that had exited (a plain
/// `Process.run()` from a test's thread gives a child the mask fffffffe3bfbea27).
@Suite struct ChildProcessTests {
    static func blockedSignals(_ line: String) -> String? {
        line.hasPrefix("SigBlk:") ? line.dropFirst("SigBlk:".count).trimmingCharacters(in: .whitespaces) : nil
    }

    @Test func aChildBlocksNoSignals() async throws {
        let status = try ChildProcess.run(URL(fileURLWithPath: "/bin/cat"), ["/proc/self/status"])
        #expect(status.status == 0)
        #expect(status.lines.compactMap(Self.blockedSignals) == ["0000000000000000"], "\(status.stdout)")
    }
}
