/// How a query URL is compared with shared URL signals. The scheme never counts (the same
/// page is shared as http and https).
public enum URLMatchMode: String, Sendable, CaseIterable, Codable {
    /// The same URL, in normal form.
    case exact
    /// Any shared URL on the query's host (exactly: a subdomain never blocks its parent,
    /// nor the reverse).
    case host
    /// The query is at or under a shared URL's path (`/channel/x` covers `/channel/x/video`).
    case prefix
}
