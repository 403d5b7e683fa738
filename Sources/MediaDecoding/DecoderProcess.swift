import Foundation

/// `ffmpeg` or `ffprobe` running on one file: its output pipe, a watchdog that kills it at
/// the timeout, and its stderr collected on the side.
struct DecoderProcess {
    let process = Process()
    let output = Pipe()
    let watchdog: Watchdog
    let errors: ErrorCollector

    /// Starts `program` (looked up on PATH) with `arguments`.
    init(_ program: String, _ arguments: [String], timeout: Double, path: String) throws(VideoDecodingError) {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        let errorPipe = Pipe()
        process.standardOutput = output
        process.standardError = errorPipe
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw Self.missing(program, path: path) }
        watchdog = Watchdog(process: process, seconds: timeout)
        errors = ErrorCollector(errorPipe.fileHandleForReading)
    }

    static func missing(_ program: String, path: String) -> VideoDecodingError {
        VideoDecodingError(.decoderMissing, "\(path): cannot run \(program): install Debian's ffmpeg (scripts/install-deps.sh)")
    }
}

/// Kills a process that runs past its time. SIGKILL: a server ignores SIGTERM (it handles
/// it through a signal source), and a child inherits that, so SIGTERM would not stop it.
final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    private(set) var fired = false

    init(process: Process, seconds: Double) {
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            lock.lock()
            defer { lock.unlock() }
            guard !done, process.isRunning else { return }
            fired = true
            kill(process.processIdentifier, SIGKILL)
        }
    }

    func cancel() {
        lock.lock()
        done = true
        lock.unlock()
    }
}

/// Reads a process's stderr on its own thread, so a chatty decoder never blocks on a full pipe.
final class ErrorCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let finished = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread { [self] in
            let all = handle.readDataToEndOfFile()
            lock.lock()
            data = all.prefix(64 << 10)
            lock.unlock()
            finished.signal()
        }.start()
    }

    func text() -> String {
        finished.wait()
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }
}
