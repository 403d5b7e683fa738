/// The id of the last event a stream client saw, as it sends it back in `Last-Event-ID` or
/// `?since=` to resume: a whole number written as the hub writes ids, nothing else.
public enum EventCursor {
    /// The cursor `text` names, or nil when the hub never wrote it (signs, spaces, leading
    /// zeros, more digits than an id has).
    public static func parse(_ text: some StringProtocol) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              text == "0" || !text.hasPrefix("0") else { return nil }
        return Int(text)
    }
}
