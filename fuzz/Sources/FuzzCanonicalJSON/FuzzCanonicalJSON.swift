import CordonDomain
import CordonServices
import Foundation
import FuzzSupport

/// The canonical-JSON writer behind every signature (orders, receipts, checkpoints): any
/// JSON it reads, written canonically and read back, writes the same bytes again. Read as
/// the hub reads outside JSON (nesting checked first: Foundation's decoder traps on some
/// texts 513 deep, found by FuzzJSONBodies).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCanonicalJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, let value = try? JSONDecoder().decode(CanonicalJSON.self, fromUntrusted: Data(bytes: data, count: size)) else { return 0 }
    let bytes = value.bytes
    let again = try? JSONDecoder().decode(CanonicalJSON.self, from: Data(bytes))
    precondition(again?.bytes == bytes, "canonical JSON does not round-trip: \(String(decoding: bytes, as: UTF8.self))")
    return 0
}

@_cdecl("FuzzCanonicalJSON_main")
public func fuzzCanonicalJSONMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzCanonicalJSON)
}
