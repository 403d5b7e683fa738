import FuzzSupport
import MediaDecoding

/// JPEG, PNG, GIF and WebP through the C libraries, as an upload is decoded: within the
/// upload limits, the format sniffed from the bytes. A crash, a sanitizer report or a
/// timeout is a finding; a refusal is the expected answer to most inputs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImages(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    _ = try? ImageDecoder(limits: .upload).decode(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

@_cdecl("FuzzImages_main")
public func fuzzImagesMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzImages)
}

