import Foundation

/// Small videos made on the spot with Debian's `ffmpeg` (its test pattern and tone
/// sources), so video tests need no files from elsewhere.
public enum TestVideos {
    /// Makes `name` in `folder` from ffmpeg input arguments; returns its path.
    public static func make(_ name: String, in folder: URL, input: [String]) throws -> String {
        let path = folder.appendingPathComponent(name).path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg", "-nostdin", "-v", "error", "-y"] + input + [path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.runUnmasked()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestVideoError(name: name) }
        return path
    }

    /// A `seconds`-long H.264 test pattern of `width` x `height` at `fps`.
    public static func pattern(_ name: String, in folder: URL, width: Int = 64, height: Int = 48, fps: Int = 10,
                               seconds: Double = 2) throws -> String {
        try make(name, in: folder, input: ["-f", "lavfi", "-i", "testsrc=size=\(width)x\(height):rate=\(fps)", "-t", String(seconds),
                                           "-pix_fmt", "yuv420p", "-c:v", "libx264", "-f", "mp4"])
    }

    /// A one-second tone with no picture.
    public static func audioOnly(_ name: String, in folder: URL) throws -> String {
        try make(name, in: folder, input: ["-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac"])
    }

    /// Whether `ffmpeg` is installed (`scripts/install-deps.sh` installs it).
    public static var available: Bool {
        ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

public struct TestVideoError: Error, CustomStringConvertible {
    public var name: String
    public var description: String { "ffmpeg could not make \(name)" }
}
