@_exported import VideoFeatures
import MediaDecoding
import PDQ

/// vPDQ: a PDQ hash of every chosen frame. A frame is chosen when its number is a multiple
/// of `max(1, Int(secondsPerHash × frameRate))`, so 0 seconds hashes every frame.
public struct VPDQHasher: Sendable {
    public var secondsPerHash: Double
    /// Frames are scaled to side × side first when set (the reference's `-s`).
    public var downsample: Int?
    public var decoder: VideoDecoder

    public init(secondsPerHash: Double = 1, downsample: Int? = nil, decoder: VideoDecoder = VideoDecoder()) {
        self.secondsPerHash = secondsPerHash
        self.downsample = downsample
        self.decoder = decoder
    }

    /// The video's stream and its chosen frames' hashes, in frame order.
    public func hash(path: String) throws(VideoDecodingError) -> VPDQVideo {
        let info = try decoder.probe(path)
        let step = max(1, Int(secondsPerHash * info.frameRate))
        let size = downsample.map { (width: $0, height: $0) }
        let hasher = PDQHasher()
        var features: [VPDQFeature] = []
        do {
            try decoder.frames(path, info: info, size: size, every: step) { number, pixels in
                let result = hasher.hash(pixels: pixels, width: size?.width ?? info.width, height: size?.height ?? info.height, channels: 3)
                features.append(VPDQFeature(frameNumber: number, quality: result.quality, hash: result.hash,
                                            timestamp: Float(number) / Float(info.frameRate)))
            }
        } catch let error as VideoDecodingError {
            throw error
        } catch {
            throw VideoDecodingError(.corrupt, "\(path): \(error)")
        }
        return VPDQVideo(info: info, features: features)
    }
}

/// A hashed video: what the decoder found, and the frame hashes.
public struct VPDQVideo: Sendable, Hashable {
    public var info: VideoInfo
    public var features: [VPDQFeature]
}
