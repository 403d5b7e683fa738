import FuzzSupport
import VideoFeatures

/// TMK's binary `.tmk` feature files, as uploaded.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTMK(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    _ = try? TMKFeatures(bytes: Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

@_cdecl("FuzzTMK_main")
public func fuzzTMKMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzTMK)
}

