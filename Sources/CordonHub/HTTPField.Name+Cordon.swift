import HTTPTypes

extension HTTPField.Name {
    /// Where a server-sent-events client resumes (the `id:` of the last event it saw).
    static let lastEventID = Self("Last-Event-ID")!
    /// RFC 7240 preferences; the hub honours `return=minimal` on submissions.
    static let prefer = Self("Prefer")!
}
