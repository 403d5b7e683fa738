import FuzzSupport
import MediaDecoding

/// The EXIF orientation parser, fed directly (a JPEG upload reaches it before libjpeg sees
/// the image): it follows offsets and counts read from the file's TIFF header and IFD.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEXIF(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let orientation = ExifOrientation(jpeg: UnsafeBufferPointer(start: data, count: size))
    precondition((1...8).contains(orientation.rawValue), "an orientation outside EXIF's 1...8")
    return 0
}

@_cdecl("FuzzEXIF_main")
public func fuzzEXIFMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzEXIF)
}
