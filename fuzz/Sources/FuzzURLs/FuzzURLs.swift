import CordonDomain
import FuzzSupport

/// URL normalisation (referrals, incident URLs, URL signals) and every signal type's value
/// normalisation: what is accepted normalises to itself again (a URL stored in one form and
/// looked up in another would never match). A broken property stops the run as a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzURLs(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let url = try? ContentURL(text) {
        precondition((try? ContentURL(url.normalised))?.normalised == url.normalised, "URL normalisation is not idempotent: \(text)")
    }
    for type in SignalType.allCases {
        if let value = try? type.normalise(text) {
            precondition((try? type.normalise(value)) == value, "\(type) normalisation is not idempotent: \(text)")
        }
    }
    return 0
}

@_cdecl("FuzzURLs_main")
public func fuzzURLsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzURLs)
}
