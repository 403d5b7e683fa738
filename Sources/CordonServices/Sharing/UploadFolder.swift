import Foundation

/// Where uploads wait while the services hash them: a private folder, one private file
/// each, removed when the call returns, whatever happens.
public enum UploadFolder {
    /// A new path in the private folder (not yet a file).
    public static func newPath() -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-uploads", isDirectory: true)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return folder.appendingPathComponent(UUID().uuidString).path
    }

    /// `bytes` in a private file while `body` runs; a failure to write it names `field`.
    public static func withFile<T>(_ bytes: some DataProtocol, field: String, _ body: (String) async throws -> T) async throws -> T {
        let path = newPath()
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw ServiceError(.busy, field: field, message: "the upload could not be held for hashing; try again")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(path)
    }
}
