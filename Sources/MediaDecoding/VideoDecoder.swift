import Foundation

/// Video frames as RGB24, from Debian's `ffmpeg` program (first video stream, frames in
/// decoder output order, colour conversion and any resizing by swscale's area filter, as
/// the vPDQ reference does). A separate process: a file that makes the decoder crash or
/// hang takes down only that process, and the timeout kills it.
///
/// Frames are what the vPDQ reference decodes, not what a player shows: the display
/// matrix's rotation is not applied (unless `applyRotation`), colours are converted with
/// swscale's default BT.601 coefficients whatever the stream is tagged, and when the video
/// is not the file's first stream the frames the decoder holds at the end are dropped, as
/// the reference (which then never flushes its decoder) drops them.
public struct VideoDecoder: Sendable {
    public var limits: VideoLimits
    public var ffmpeg: String
    public var ffprobe: String
    /// Turn frames as the display matrix says (what a player shows; the reference does not).
    public var applyRotation: Bool

    public init(limits: VideoLimits = .default, ffmpeg: String = "ffmpeg", ffprobe: String = "ffprobe", applyRotation: Bool = false) {
        self.limits = limits
        self.ffmpeg = ffmpeg
        self.ffprobe = ffprobe
        self.applyRotation = applyRotation
    }

    /// The first video stream's size, frame rate (average, else the stream's base rate)
    /// and frame count where the container states one.
    public func probe(_ path: String) throws(VideoDecodingError) -> VideoInfo {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard let size else { throw VideoDecodingError(.unreadable, "\(path): cannot read the file") }
        guard size > 0 else { throw VideoDecodingError(.empty, "\(path): the file is empty") }
        let output = try run(ffprobe, ["-v", "error", "-select_streams", "v:0", "-show_entries",
                                       "stream=index,width,height,avg_frame_rate,r_frame_rate,nb_frames,has_b_frames,pix_fmt:stream_side_data=rotation",
                                       "-of", "json", path],
                             timeout: limits.timeout, path: path)
        guard output.status == 0 else {
            throw VideoDecodingError(.corrupt, "\(path): not a readable video (\(Self.firstLine(output.stderr)))")
        }
        guard let json = try? JSONSerialization.jsonObject(with: output.stdout) as? [String: Any],
              let stream = (json["streams"] as? [[String: Any]])?.first
        else { throw VideoDecodingError(.noVideo, "\(path): the file has no video stream") }
        let width = stream["width"] as? Int ?? 0, height = stream["height"] as? Int ?? 0
        guard width > 0, height > 0 else { throw VideoDecodingError(.corrupt, "\(path): the video declares a \(width)x\(height) picture") }
        guard width <= limits.maxSide, height <= limits.maxSide, width * height <= limits.maxPixels else {
            throw VideoDecodingError(.tooLarge, "\(path): \(width)x\(height) is over the limits (\(limits.maxSide) pixels a side, "
                + "\(limits.maxPixels) pixels); raise them if the video is genuine")
        }
        let rate = Self.rate(stream["avg_frame_rate"] as? String) ?? Self.rate(stream["r_frame_rate"] as? String)
        guard let rate, rate > 0 else { throw VideoDecodingError(.corrupt, "\(path): the video has no frame rate") }
        let frames = (stream["nb_frames"] as? String).flatMap(Int.init)
        if let frames, frames > limits.maxFrames {
            throw VideoDecodingError(.tooLarge, "\(path): \(frames) frames is over the limit of \(limits.maxFrames)")
        }
        var info = VideoInfo(width: width, height: height, frameRate: rate, frameCount: frames)
        info.pixelFormat = stream["pix_fmt"] as? String ?? ""
        info.rotation = ((stream["side_data_list"] as? [[String: Any]])?.compactMap { $0["rotation"] as? Int }.first ?? 0)
        if applyRotation, abs(info.rotation) % 180 == 90 { (info.width, info.height) = (info.height, info.width) }
        // The reference flushes its decoder only when the video is stream 0 (see above).
        let delay = stream["has_b_frames"] as? Int ?? 0
        if let index = stream["index"] as? Int, index != 0, delay > 0 {
            let counted = try run(ffprobe, ["-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries",
                                            "stream=nb_read_packets", "-of", "csv=p=0", path], timeout: limits.timeout, path: path)
            if let packets = Int(String(decoding: counted.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) {
                info.referenceFrames = max(0, packets - delay)
            }
        }
        return info
    }

    /// Calls `body` with the number and RGB24 pixels (`width` x `height`, or the requested
    /// `size`) of every `step`-th frame, counting from frame 0. Every frame is decoded, but
    /// only the chosen ones are converted and sent over. Throws when the decoder fails,
    /// hangs past the timeout, or the video runs past the frame limit.
    public func frames(
        _ path: String, info: VideoInfo, size: (width: Int, height: Int)? = nil, every step: Int = 1,
        _ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        let (width, height) = size ?? (info.width, info.height)
        let step = max(1, step)
        var arguments = ["-nostdin", "-v", "error", "-threads", "1"] + (applyRotation ? [] : ["-noautorotate"])
        arguments += ["-i", path, "-map", "0:v:0", "-fps_mode", "passthrough"]
        // One explicit swscale step, as the reference's: area filter, BT.601, the range
        // the pixel format implies (not the stream's tags), straight to RGB24.
        let range = info.pixelFormat.hasPrefix("yuvj") ? "pc" : info.pixelFormat.hasPrefix("yuv") || info.pixelFormat.hasPrefix("nv") ? "tv" : "auto"
        var filters = step > 1 ? ["select=not(mod(n\\,\(step)))"] : []
        filters.append("scale=\(width):\(height):flags=area:in_color_matrix=bt601:in_range=\(range),format=rgb24")
        arguments += ["-vf", filters.joined(separator: ","), "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"]
        let decoder = try DecoderProcess(ffmpeg, arguments, timeout: limits.timeout, path: path)
        let process = decoder.process
        defer { decoder.watchdog.cancel() }
        let frameBytes = width * height * 3
        var buffer = [UInt8](repeating: 0, count: frameBytes)
        var number = 0
        // Frames are large (6 MB at 1080p): read straight into the frame buffer, through a
        // 1 MiB pipe (the default 64 KiB makes the decoder and us take turns 100 times a frame).
        let descriptor = decoder.output.fileHandleForReading.fileDescriptor
        _ = fcntl(descriptor, Self.setPipeSize, 1 << 20)
        readLoop: while true {
            var filled = 0
            while filled < frameBytes {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, frameBytes - filled) }
                if count < 0, errno == EINTR { continue }
                if count <= 0 {
                    if filled == 0 { break readLoop }
                    kill(process.processIdentifier, SIGKILL)
                    throw VideoDecodingError(.truncated, "\(path): the last frame stops after \(filled) of \(frameBytes) bytes")
                }
                filled += count
            }
            guard number * step < limits.maxFrames else {
                kill(process.processIdentifier, SIGKILL)
                throw VideoDecodingError(.tooLarge, "\(path): more than \(limits.maxFrames) frames; raise the limit if the video is genuine")
            }
            if number * step < info.referenceFrames ?? .max {
                try buffer.withUnsafeBufferPointer { try body(number * step, $0) }
            }
            number += 1
        }
        process.waitUntilExit()
        if decoder.watchdog.fired {
            throw VideoDecodingError(.timedOut, "\(path): decoding took over \(Int(limits.timeout)) s and was stopped")
        }
        if [126, 127].contains(process.terminationStatus) { throw DecoderProcess.missing(ffmpeg, path: path) }
        guard process.terminationStatus == 0 else {
            throw VideoDecodingError(.corrupt, "\(path): the decoder failed (\(Self.firstLine(decoder.errors.text())))")
        }
        guard number > 0 else { throw VideoDecodingError(.corrupt, "\(path): no frame could be decoded") }
    }

    private func run(_ program: String, _ arguments: [String], timeout: Double, path: String) throws(VideoDecodingError)
        -> (status: Int32, stdout: Data, stderr: Data)
    {
        let launched = try DecoderProcess(program, arguments, timeout: timeout, path: path)
        let data = launched.output.fileHandleForReading.readDataToEndOfFile()
        launched.process.waitUntilExit()
        launched.watchdog.cancel()
        if launched.watchdog.fired { throw VideoDecodingError(.timedOut, "\(path): reading the video took over \(Int(timeout)) s") }
        if [126, 127].contains(launched.process.terminationStatus) { throw DecoderProcess.missing(program, path: path) }
        return (launched.process.terminationStatus, data, Data(launched.errors.text().utf8))
    }

    /// Linux's F_SETPIPE_SZ (not exported to Swift).
    static let setPipeSize: Int32 = 1031

    static func rate(_ text: String?) -> Double? {
        guard let parts = text?.split(separator: "/"), parts.count == 2, let num = Double(parts[0]), let den = Double(parts[1]),
              num > 0, den > 0 else { return nil }
        return num / den
    }

    static func firstLine(_ data: Data) -> String { firstLine(String(decoding: data, as: UTF8.self)) }

    static func firstLine(_ text: String) -> String {
        text.split(separator: "\n").first.map(String.init) ?? "no message"
    }
}

/// What `ffprobe` says of a video's first video stream.
public struct VideoInfo: Sendable, Hashable {
    /// The decoded picture's size (turned, when the decoder applies the rotation).
    public var width: Int
    public var height: Int
    public var frameRate: Double
    public var frameCount: Int?
    /// The decoder's pixel format (`yuv420p`, `yuvj422p`, …).
    public var pixelFormat = ""
    /// The display matrix's rotation in degrees (0 when there is none).
    public var rotation = 0
    /// How many frames the reference hashes, when it hashes fewer than the decoder gives
    /// (the video is not the file's first stream and the codec reorders frames).
    public var referenceFrames: Int?

    public init(width: Int, height: Int, frameRate: Double, frameCount: Int?) {
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.frameCount = frameCount
    }
}
