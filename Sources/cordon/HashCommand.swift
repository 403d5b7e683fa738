import ArgumentParser
import Foundation
import MediaDecoding
import MediaHashing
import PDQ
import VideoHash

/// `cordon hash PATH...`: PDQ hashes (and digests) of images, one line per file; vPDQ
/// frame hashes of videos.
struct HashCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash",
        abstract: "Hash images with PDQ (and MD5/SHA-256), one line per file, and videos with vPDQ.",
        discussion: """
            Text output is the reference pdq-photo-hasher's `hash,quality,path` (with \
            --dihedral: the eight hashes, then quality and path). Files that cannot be decoded \
            are reported on stderr and skipped; the exit status is then 1. Hashes with \
            quality below 50 are unreliable and are flagged: on stderr for text, in a field \
            for CSV and JSON. Videos (recognised by content) are written as the vPDQ \
            reference writes them, `frameNumber,quality,hash,timestamp` (a `# path` line before \
            each when there are several), or as one JSON object per video.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, csv, json
    }

    @Argument(help: "Image files, or folders to walk recursively.")
    var paths: [String]

    @Option(help: "Output format: text (the reference tool's), csv or json (one object per line).")
    var format: Format = .text

    @Flag(help: "Also print the eight rotated and mirrored hashes.")
    var dihedral = false

    @Flag(help: "Also print MD5 and SHA-256 of the file bytes.")
    var digests = false

    @Flag(help: "Turn JPEGs as their EXIF orientation says before hashing (the reference does not).")
    var applyExifOrientation = false

    @Flag(help: "Decode large JPEGs at reduced scale: several times faster, a few bits of drift.")
    var fast = false

    @Option(help: "Refuse images with more pixels than this (decompression bombs).")
    var maxPixels: Int = DecodingLimits.default.maxPixels

    @Option(help: "Videos: seconds between hashed frames (0: every frame, as the reference's -r 0).")
    var secondsPerHash: Double = 1

    @Option(help: "Videos: scale frames to N x N before hashing (the reference's -s).")
    var videoSize: Int?

    @Option(help: "Videos: refuse those with more frames than this.")
    var maxFrames: Int = VideoLimits.default.maxFrames

    @Flag(help: "Videos: turn frames as the display matrix says, as players do (the reference does not).")
    var applyRotation = false

    @Option(help: "Videos: seconds one video may take to decode before it is stopped.")
    var videoTimeout: Double = VideoLimits.default.timeout

    @Option(help: "How many files to hash at once (default: one per core).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("name at least one file or folder to hash") }
        guard maxPixels > 0 else { throw ValidationError("--max-pixels must be a positive number of pixels") }
        guard jobs > 0 else { throw ValidationError("--jobs must be at least 1") }
        guard secondsPerHash >= 0, secondsPerHash.isFinite else { throw ValidationError("--seconds-per-hash must be 0 or more") }
        if let videoSize, !(1...4096).contains(videoSize) { throw ValidationError("--video-size is 1 to 4096 pixels") }
        guard maxFrames > 0 else { throw ValidationError("--max-frames must be at least 1") }
        guard videoTimeout > 0 else { throw ValidationError("--video-timeout must be above 0 seconds") }
    }

    func run() async throws {
        let collected = MediaFileCollector().collect(paths)
        var failures = 0
        for path in collected.missing {
            FileHandle.standardError.write("cordon: \(path): no such file or folder\n")
            failures += 1
        }
        var limits = DecodingLimits.default
        limits.maxPixels = maxPixels
        limits.maxSide = max(limits.maxSide, Int(Double(maxPixels).squareRoot()))
        let hasher = MediaHasher(options: HashOptions(
            dihedral: dihedral, digests: digests, applyExifOrientation: applyExifOrientation,
            fast: fast, limits: limits))
        let videos = collected.files.filter(MediaFileCollector.isVideo)
        let images = collected.files.filter { !videos.contains($0) }
        if !videos.isEmpty, format == .csv {
            throw ValidationError("videos are written as text (the vPDQ reference format) or json, not csv")
        }
        let writer = HashOutputWriter(format: format, dihedral: dihedral, digests: digests)
        if !images.isEmpty { writer.writeHeader() }
        let progress = ProgressBar(total: collected.files.count)
        let results = ParallelHasher(hasher: hasher, jobs: jobs).hash(images)
        for await result in results {
            progress.advance()
            switch result {
            case .success(let record):
                writer.write(record)
                if record.pdq.isLowQuality, format == .text {
                    progress.message(
                        "cordon: \(record.path): low quality (\(record.pdq.quality) < \(PDQResult.lowQualityThreshold)): the hash is unreliable for matching")
                }
            case .failure(let failure):
                progress.message("cordon: \(failure.path): \(failure.reason)")
                failures += 1
            }
        }
        failures += hashVideos(videos, writer: writer, progress: progress)
        progress.finish()
        if collected.skipped > 0 {
            FileHandle.standardError.write("cordon: skipped \(collected.skipped) file(s) in folders that are not images\n")
        }
        if failures > 0 {
            throw ExitCode(1)
        }
    }
}

extension HashCommand {
    /// Hashes each video in turn (the decoder uses the cores); returns how many failed.
    func hashVideos(_ videos: [String], writer: HashOutputWriter, progress: ProgressBar) -> Int {
        var limits = VideoLimits.default
        limits.maxFrames = maxFrames
        limits.timeout = videoTimeout
        let hasher = VPDQHasher(secondsPerHash: secondsPerHash, downsample: videoSize, decoder: VideoDecoder(limits: limits, applyRotation: applyRotation))
        var failures = 0
        for path in videos {
            do {
                let video = try hasher.hash(path: path)
                progress.advance()
                writer.write(video, path: path, header: videos.count > 1, secondsPerHash: secondsPerHash)
            } catch {
                progress.advance()
                progress.message("cordon: \(error.message)")
                failures += 1
            }
        }
        return failures
    }
}

extension FileHandle {
    func write(_ text: String) {
        write(Data(text.utf8))
    }
}
