import Crypto
import Foundation

/// MD5 and SHA-256 of a file's exact bytes, read in 1 MiB pieces (videos are large): the
/// digests exchanges carry beside perceptual hashes.
public struct FileDigests: Sendable, Hashable {
    public var md5: String
    public var sha256: String

    public init(fileAt path: String) throws(MediaHashFailure) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw MediaHashFailure(path: path, reason: "cannot read the file")
        }
        defer { try? handle.close() }
        var md5 = Insecure.MD5(), sha256 = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                md5.update(data: chunk)
                sha256.update(data: chunk)
            }
        } catch {
            throw MediaHashFailure(path: path, reason: "cannot read the file: \(error.localizedDescription)")
        }
        self.md5 = md5.finalize().hexString
        self.sha256 = sha256.finalize().hexString
    }
}
