import CordonDomain
import CordonServices
import Foundation
import Hummingbird

/// An upload written to a private temporary file as it arrives (never held whole in
/// memory, never kept): the decoders read it, and ``receive(_:limit:_:)`` deletes it
/// when its body returns, whatever happens.
public enum UploadFile {
    /// Whether the request carries media rather than JSON. Only when it says so: curl's
    /// `-d` labels JSON as a form, and that must still be read as JSON.
    public static func isMedia(_ request: Request) -> Bool {
        guard let type = request.headers[.contentType]?.lowercased() else { return false }
        return type.hasPrefix("image/") || type.hasPrefix("video/") || type.hasPrefix("application/octet-stream")
    }

    /// The most bytes an upload of this request's kind may have: images are small, videos are not.
    public static func limit(_ request: Request, context: HubRequestContext, media: MediaLimits) -> Int {
        request.headers[.contentType]?.lowercased().hasPrefix("image/") == true ? context.maxUploadSize : media.maxUploadBytes
    }

    public static func receive<T>(_ request: Request, limit: Int, _ body: (String) async throws -> T) async throws -> T {
        let path = UploadFolder.newPath()
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: path)
        else { throw ServiceError(.undecodable, field: "body", message: "the hub could not take the upload; try again") }
        defer {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: path)
        }
        var written = 0
        for try await buffer in request.body {
            written += buffer.readableBytes
            guard written <= limit else {
                throw ServiceError(.tooLarge, field: "body", message: "the upload is over \(limit / 1_048_576) MiB")
            }
            try handle.write(contentsOf: buffer.readableBytesView)
        }
        guard written > 0 else { throw ServiceError.invalid("body", "the upload is empty: send the image or video as the body") }
        return try await body(path)
    }
}
