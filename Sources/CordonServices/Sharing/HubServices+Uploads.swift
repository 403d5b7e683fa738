import CordonDomain
import Foundation
import MediaDecoding
import MediaHashing
import NIOPosix
import PDQ
import VideoHash

/// What an uploaded file hashed to: an image's PDQ and digests, a video's frames and the
/// file's digests, or a `.tmk` file (already a hash: read, not decoded).
public enum UploadHashes: Sendable {
    case image(MediaHashRecord)
    case video(features: [VPDQFeature], md5: String, sha256: String)
    case tmk([UInt8])
}

/// Images and videos uploaded to the hub, hashed here and never kept: the surface writes
/// the upload to a private temporary file and deletes it when the call returns. Videos are
/// decoded by `ffmpeg` in a child process with bounds on size, frames and time, off the
/// threads that serve requests, a few at a time per organisation (``UploadGate``).
extension HubServices {
    /// Hashes the file at `path`: a `.tmk` file as itself, a video when its first bytes
    /// are a video container's, else an image.
    public func hash(uploadAt path: String, by caller: Caller) async throws -> UploadHashes {
        try authorise(.match, caller)
        if let handle = FileHandle(forReadingAtPath: path) {
            defer { try? handle.close() }
            if try handle.read(upToCount: 8) == Data("TMK1FVEC".utf8) {
                try handle.seek(toOffset: 0)
                // A TMK+PDQF file of 256 dimensions is about 0.5 MiB; nothing real is 64 MiB.
                let bytes = try handle.read(upToCount: 64 << 20) ?? Data()
                do {
                    _ = try TMKFeatures(bytes: Array(bytes), name: "the upload")
                } catch {
                    throw ServiceError(.undecodable, field: "body", message: error.message)
                }
                return .tmk(Array(bytes))
            }
        }
        let media = configuration.media
        return try await uploads.run(for: caller.organisationID) {
            try await NIOThreadPool.singleton.runIfActive {
                guard MediaFileCollector.isVideo(path) else {
                    let record: MediaHashRecord
                    do throws(MediaHashFailure) {
                        record = try MediaHasher(options: HashOptions(digests: true, limits: media.imageLimits)).hash(fileAt: path)
                    } catch {
                        throw Self.imageRefusal(error.code, error.reason)
                    }
                    return .image(record)
                }
                let limits = VideoLimits(maxSide: 8192, maxPixels: media.maxVideoPixels,
                                         maxFrames: Int(media.maxVideoSeconds * 120), timeout: Double(media.decodeTimeout.components.seconds))
                let video: VPDQVideo
                do throws(VideoDecodingError) {
                    video = try VPDQHasher(secondsPerHash: media.secondsPerHash, decoder: VideoDecoder(limits: limits)).hash(path: path)
                } catch {
                    let code: ServiceError.Code = error.code == .tooLarge ? .tooLarge : .undecodable
                    throw ServiceError(code, field: "body", message: "the video cannot be hashed: \(error.message.replacingOccurrences(of: path, with: "upload"))")
                }
                let duration = Double(video.info.frameCount ?? 0) / max(video.info.frameRate, 1)
                guard duration <= media.maxVideoSeconds else {
                    throw ServiceError(.tooLarge, field: "body", message: "the video is \(Int(duration)) s long; the hub takes up to \(Int(media.maxVideoSeconds)) s")
                }
                let digests: FileDigests
                do throws(MediaHashFailure) {
                    digests = try FileDigests(fileAt: path)
                } catch {
                    throw ServiceError(.undecodable, field: "body", message: "the upload could not be read back: \(error.reason)")
                }
                return .video(features: video.features, md5: digests.md5, sha256: digests.sha256)
            }
        }
    }

    /// Matches an uploaded image (PDQ, MD5, SHA-256) or video (its frames, and the file's
    /// MD5 and SHA-256 against video digests) with the query's settings.
    public func match(uploadAt path: String, settings: API.MatchQuery, incident: UUID? = nil, by caller: Caller) async throws -> API.MatchResult {
        var query = settings
        switch try await hash(uploadAt: path, by: caller) {
        case .image(let record):
            query.hashes = [.init(type: .pdq, value: record.pdq.hash.hex)]
            if let md5 = record.md5 { query.hashes.append(.init(type: .md5, value: md5)) }
            if let sha256 = record.sha256 { query.hashes.append(.init(type: .sha256, value: sha256)) }
            var result = try await match(query, incident: incident, by: caller)
            // An image with too little detail has a hash that matches noise: reported, not matched.
            result.results[0].quality = record.pdq.quality
            if record.pdq.quality < PDQResult.lowQualityThreshold { result.results[0].matches = [] }
            return result
        case .video(let features, let md5, let sha256):
            query.hashes = [.init(type: .vpdq, value: "", features: features), .init(type: .md5, value: md5), .init(type: .sha256, value: sha256)]
            return try await match(query, incident: incident, by: caller)
        case .tmk(let bytes):
            query.hashes = [.init(type: .tmk, value: "", tmk: Data(bytes).base64EncodedString())]
            return try await match(query, incident: incident, by: caller)
        }
    }

    /// Shares an uploaded image (as its PDQ) or video (as its frames, with the file's
    /// digests) in a collection, with the submission's labels, item and confidence.
    public func submit(uploadAt path: String, as template: SignalSubmission, to collection: UUID,
                       by caller: Caller) async throws -> API.SubmissionResult {
        try authoriseCollection(.submitSignals, collection, caller)
        var submission = template
        switch try await hash(uploadAt: path, by: caller) {
        case .image(let record):
            guard record.pdq.quality >= PDQResult.lowQualityThreshold else {
                throw ServiceError(.undecodable, field: "body", message: "the image's PDQ quality is \(record.pdq.quality), under \(PDQResult.lowQualityThreshold): its hash would match unrelated images; share a clearer copy or its MD5")
            }
            submission.type = .pdq
            submission.value = record.pdq.hash.hex
        case .video(let features, let md5, let sha256):
            submission.type = .vpdq
            submission.features = features
            submission.fileMD5 = md5
            submission.fileSHA256 = sha256
        case .tmk(let bytes):
            submission.type = .tmk
            submission.tmk = Data(bytes).base64EncodedString()
        }
        return try await submit(API.Submission(signals: [submission], isBulk: false), to: collection, by: caller)
    }
}
