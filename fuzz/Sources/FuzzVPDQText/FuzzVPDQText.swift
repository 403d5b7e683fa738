import FuzzSupport
import VideoFeatures

/// vPDQ feature text (one frame a line: number, hash, quality, timestamp), as submitted.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVPDQText(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    _ = try? VPDQFeatureList(text: String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self), maxFrames: 1000)
    return 0
}

@_cdecl("FuzzVPDQText_main")
public func fuzzVPDQTextMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzVPDQText)
}

