import CordonDomain
import FuzzSupport

/// Cursors clients send back (`Last-Event-ID`, `?since=`, the review queue's `cursor`): a
/// cursor the hub reads is one it could have written, so writing it gives the same text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCursors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let cursor = EventCursor.parse(text) {
        precondition(cursor >= 0 && String(cursor) == text, "event cursor \(text) reads as \(cursor)")
    }
    for byPriority in [true, false] {
        if let cursor = ReviewCursor(text, byPriority: byPriority) {
            precondition(cursor.text == text, "review cursor \(text) reads as \(cursor.text)")
        }
    }
    return 0
}

@_cdecl("FuzzCursors_main")
public func fuzzCursorsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzCursors)
}
