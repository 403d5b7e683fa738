import HTTPTypes

extension HTTPField.Name {
    /// Where a server-sent-events client resumes (the `id:` of the last event it saw).
    static let lastEventID = Self("Last-Event-ID")!
    /// RFC 7240 preferences; the hub honours `return=minimal` on submissions.
    static let prefer = Self("Prefer")!
}

extension HTTPField.Name {
    /// StopNCII's fetch key; a Cordon API key on the StopNCII-shaped route.
    static let functionsKey = Self("x-functions-key")!
    /// StopNCII's subscription key; names the collection on the StopNCII-shaped route.
    static let subscriptionKey = Self("Ocp-Apim-Subscription-Key")!
}

extension HTTPField.Name {
    /// The scheme a TLS proxy in front of the hub was reached by, for absolute links.
    static let forwardedProto = Self("X-Forwarded-Proto")!
    /// The request's id, in logs and in the answer, for tracing a request through both.
    static let requestID = Self("X-Request-Id")!
}
