import Foundation
import MediaDecoding

/// Expands the paths a user names into the files to hash: files as given, folders walked
/// recursively in sorted order, keeping only files whose content is a recognised image or
/// video container.
public struct MediaFileCollector: Sendable {
    public init() {}

    /// The files to hash, and the paths that do not exist.
    public func collect(_ paths: [String]) -> (files: [String], missing: [String], skipped: Int) {
        var files: [String] = []
        var missing: [String] = []
        var skipped = 0
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                missing.append(path)
                continue
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let root = URL(fileURLWithPath: path)
            guard let walker = manager.enumerator(
                at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
            else { continue }
            var found: [String] = []
            for case let url as URL in walker {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else {
                    continue
                }
                let child = path.hasSuffix("/")
                    ? path + url.path.dropFirst(root.path.count + 1)
                    : path + "/" + url.path.dropFirst(root.path.count + 1)
                if Self.looksLikeMedia(child) {
                    found.append(child)
                } else {
                    skipped += 1
                }
            }
            files.append(contentsOf: found.sorted())
        }
        return (files, missing, skipped)
    }

    /// Whether the first bytes of the file are an image or video signature.
    static func looksLikeMedia(_ path: String) -> Bool {
        let head = Self.head(path)
        return ImageFormat(sniffing: head) != nil || VideoContainer(sniffing: head) != nil
    }

    /// Whether the file's first bytes are a video container's.
    public static func isVideo(_ path: String) -> Bool {
        VideoContainer(sniffing: head(path)) != nil
    }

    private static func head(_ path: String) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: 400)) ?? Data())
    }
}
