import Foundation

/// Where the shared test vectors live: `../shared/vectors` beside the clone (CI always has
/// it), or `$CORDON_SHARED/vectors`. Tests read them in place and skip when absent.
public enum SharedVectors {
    /// The `shared/` folder, if present.
    public static let sharedRoot: URL? = {
        // This file is Sources/CordonTestSupport/SharedVectors.swift in the package.
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidate = ProcessInfo.processInfo.environment["CORDON_SHARED"].map { URL(fileURLWithPath: $0) }
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: candidate.appendingPathComponent("vectors").path)
            ? candidate : nil
    }()

    /// `shared/vectors/pdq`, if present.
    public static var pdq: URL? {
        sharedRoot?.appendingPathComponent("vectors/pdq")
    }

    /// `shared/vectors/vpdq`, if present.
    public static var vpdq: URL? {
        sharedRoot?.appendingPathComponent("vectors/vpdq")
    }

    /// Whether the vectors are there; tests use it in `.enabled(if:)`.
    public static var available: Bool { pdq != nil }

    /// The reason shown when vector tests are skipped.
    public static let skipReason =
        "../shared/vectors is not beside this clone (set CORDON_SHARED to its folder to run these tests)"

    /// Reads a CSV file with a header row into dictionaries (fields contain no commas).
    public static func csvRows(_ url: URL) throws -> [[String: String]] {
        let lines = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline)
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        else { return [] }
        return lines.dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
    }
}
