/// What a browser shows a file as, read from its first bytes: the pages show uploads back
/// (blurred) only as the images and videos a browser plays, never as what a client claims.
public enum BrowserMedia {
    /// `image/…` or `video/…`, or nil for a file a browser cannot show.
    public static func contentType(of head: some Collection<UInt8>) -> String? {
        let head = Array(head.prefix(16))
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if head.starts(with: Array("GIF8".utf8)) { return "image/gif" }
        if head.count >= 12, head[8..<12].elementsEqual("WEBP".utf8) { return "image/webp" }
        if head.count >= 8, head[4..<8].elementsEqual("ftyp".utf8) { return "video/mp4" }
        if head.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) { return "video/webm" }
        return nil
    }
}
