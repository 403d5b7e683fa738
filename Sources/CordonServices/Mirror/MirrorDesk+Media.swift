import CordonDomain
import CordonStore
import Foundation

/// Preserved media, where the platform keeps its uploaded files for its moderators, and
/// the retention that ends every upload: past it, its hashes leave the store and the
/// index (it is never re-checked again), and its kept file is deleted.
extension MirrorDesk {
    /// A case's kept file, with the type a browser shows it as.
    public struct KeptMedia: Sendable {
        public var path: String
        /// `image/…` or `video/…`; nil for a file a browser cannot show.
        public var contentType: String?
        public var isVideo: Bool { contentType?.hasPrefix("video/") == true }
    }

    /// The preserved file of case `id`'s upload, if media is kept and it is still there.
    public func keptMedia(ofCase id: Int, by caller: Caller) async throws -> KeptMedia? {
        try services.mayAttempt(.listReviewCases, caller)
        guard let item = try await services.store.reviewCase(id) else { throw ServiceError.notFound("case", "no review case \(id)") }
        return keptMedia(ofUpload: item.uploadID)
    }

    /// The preserved file of a case already read (``reviewCase(_:by:)``).
    public func keptMedia(of item: CaseOut) -> KeptMedia? {
        keptMedia(ofUpload: item.reviewCase.uploadID)
    }

    private func keptMedia(ofUpload id: Int) -> KeptMedia? {
        guard let file = mediaFile(ofUpload: id), let handle = FileHandle(forReadingAtPath: file.path) else { return nil }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 16)) ?? Data())
        return KeptMedia(path: file.path, contentType: BrowserMedia.contentType(of: head))
    }

    /// Forgets every upload past its retention; returns how many.
    @discardableResult
    public func purgeExpired() async throws -> Int {
        let expired = try await turnstile.run {
            let expired = try await services.storeCall { try await services.store.purgeExpiredUploads(now: services.now()) }
            for upload in expired { index.remove(upload) }
            return expired
        }
        for upload in expired {
            if let file = mediaFile(ofUpload: upload.id) { try? FileManager.default.removeItem(at: file) }
        }
        return expired.count
    }

    /// Removes the files a crash left between preserving an upload and storing it. Call it
    /// at start, when no upload is in flight: every `incoming-…` file then is one of those.
    @discardableResult
    public func sweepIncoming() -> Int {
        guard let folder = options.mediaFolder,
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return 0 }
        let orphans = names.filter { $0.hasPrefix("incoming-") }
        for name in orphans { try? FileManager.default.removeItem(at: folder.appendingPathComponent(name)) }
        return orphans.count
    }

    /// Where upload `id`'s file is kept, when media is preserved.
    func mediaFile(ofUpload id: Int) -> URL? {
        options.mediaFolder?.appendingPathComponent("upload-\(id)")
    }

    /// A copy of an uploaded file in the media folder, under a name of its own until the
    /// upload has its id; nil when media is not preserved.
    func preserve(_ path: String) throws -> URL? {
        guard let folder = options.mediaFolder else { return nil }
        let copy = folder.appendingPathComponent("incoming-\(UUID())")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: path, toPath: copy.path)
        } catch {
            throw ServiceError(.busy, field: "body", message: "the upload could not be preserved (\(error.localizedDescription)); try again")
        }
        return copy
    }
}
