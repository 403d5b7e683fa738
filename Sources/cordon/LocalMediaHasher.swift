import Foundation
import MediaDecoding
import MediaHashing
import PDQ
import VideoHash

/// One file as `cordon submit` and `cordon match` send it: an image's PDQ and digests, or
/// a video's frames and its file's digests; hashed here, so the media never leaves the
/// machine.
enum LocalMedia: Sendable {
    case image(MediaHashRecord)
    case video(path: String, features: [VPDQFeature], digests: FileDigests)

    var path: String {
        switch self {
        case .image(let record): record.path
        case .video(let path, _, _): path
        }
    }

    /// The signal (or query) JSON for it: a PDQ, or a vPDQ with the file's digests.
    var primary: [String: Any] {
        switch self {
        case .image(let record):
            return ["type": "pdq", "value": record.pdq.hash.hex]
        case .video(_, let features, let digests):
            return ["type": "vpdq", "value": features.map(\.line).joined(separator: "\n"), "fileMD5": digests.md5, "fileSHA256": digests.sha256]
        }
    }
}

/// Hashes images and videos on every core, in input order, reporting each as it is done.
struct LocalMediaHasher {
    var jobs: Int
    var secondsPerHash: Double = 1

    /// Calls `body` with each file's hashes or the reason it failed, in the order of `paths`.
    func hash(_ paths: [String], _ body: (Result<LocalMedia, MediaHashFailure>) async throws -> Void) async throws {
        let hasher = MediaHasher(options: HashOptions(digests: true))
        let video = VPDQHasher(secondsPerHash: secondsPerHash)
        let results = ParallelHasher.ordered(paths, jobs: jobs) { path in Self.hash(path, hasher, video) }
        for await result in results { try await body(result) }
    }

    private static func hash(_ path: String, _ hasher: MediaHasher, _ video: VPDQHasher) -> Result<LocalMedia, MediaHashFailure> {
        guard MediaFileCollector.isVideo(path) else {
            return Result { () throws(MediaHashFailure) in .image(try hasher.hash(fileAt: path)) }
        }
        do {
            let hashed = try video.hash(path: path)
            guard !hashed.features.isEmpty else { return .failure(MediaHashFailure(path: path, reason: "the video has no frames")) }
            return .success(.video(path: path, features: hashed.features, digests: try FileDigests(fileAt: path)))
        } catch let error as VideoDecodingError {
            return .failure(MediaHashFailure(path: path, reason: error.message))
        } catch {
            return .failure(MediaHashFailure(path: path, reason: "\(error)"))
        }
    }
}
