import CTurboJPEG

/// Encodes test JPEGs with libjpeg-turbo.
public enum JPEGWriter {
    /// A baseline JPEG of RGB (`channels` 3) or grey (`channels` 1) pixels.
    public static func jpeg(width: Int, height: Int, channels: Int, pixels: [UInt8], quality: Int = 90) -> [UInt8] {
        guard let handle = tjInitCompress() else { fatalError("libjpeg-turbo did not start") }
        defer { tjDestroy(handle) }
        var buffer: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let format = channels == 1 ? TJPF_GRAY : TJPF_RGB
        let subsampling = channels == 1 ? TJSAMP_GRAY : TJSAMP_420
        let status = pixels.withUnsafeBufferPointer {
            tjCompress2(handle, $0.baseAddress, Int32(width), 0, Int32(height), Int32(format.rawValue), &buffer, &size,
                        Int32(subsampling.rawValue), Int32(quality), 0)
        }
        precondition(status == 0, "libjpeg-turbo could not encode the test image")
        defer { tjFree(buffer) }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
    }

    /// A JPEG of ``TestImages/rgb(width:height:seed:)``.
    public static func jpeg(width: Int, height: Int, seed: Int = 1) -> [UInt8] {
        jpeg(width: width, height: height, channels: 3, pixels: TestImages.rgb(width: width, height: height, seed: seed))
    }
}
