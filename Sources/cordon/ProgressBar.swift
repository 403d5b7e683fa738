import Foundation

/// A one-line progress bar on stderr, drawn only when stderr is a terminal and there are
/// enough files for it to help; messages are printed above it.
final class ProgressBar {
    private let total: Int
    private let enabled: Bool
    private var done = 0
    private var lastDrawn = Date.distantPast

    /// Fewer files than this finish before a bar would be read.
    static let minimumFiles = 20

    init(total: Int) {
        self.total = total
        self.enabled = total >= Self.minimumFiles && isatty(STDERR_FILENO) == 1
    }

    func advance(by count: Int = 1) {
        done += count
        guard enabled else { return }
        let now = Date()
        if done == total || now.timeIntervalSince(lastDrawn) > 0.1 {
            lastDrawn = now
            draw()
        }
    }

    func message(_ text: String) {
        if enabled { FileHandle.standardError.write("\r\u{1B}[K") }
        FileHandle.standardError.write(text + "\n")
        if enabled { draw() }
    }

    /// A result line on stdout, with the bar (on stderr) out of its way.
    func output(_ text: String) {
        if enabled { FileHandle.standardError.write("\r\u{1B}[K") }
        FileHandle.standardOutput.write(text + "\n")
        if enabled { draw() }
    }

    func finish() {
        if enabled { FileHandle.standardError.write("\r\u{1B}[K") }
    }

    private func draw() {
        let width = 30
        let filled = total == 0 ? width : done * width / total
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        FileHandle.standardError.write("\r[\(bar)] \(done)/\(total) files")
    }
}
