import Foundation

/// What a surface needs to serve a live stream of a use case's events (server-sent events,
/// a page's live list): where "now" is, when to look again, how to read a page after a
/// cursor, and whether the caller may still see it. Surfaces ask ``isAllowed`` on every
/// wake and twice a second, so a revoked key or a suspended organisation is cut off at once.
public struct LiveStream<Item: Sendable>: Sendable {
    /// The cursor of the newest item now (a stream without a resume point starts there).
    public let newest: @Sendable () async throws -> Int
    /// Wakes when new items may have been written.
    public let wakes: AsyncStream<Void>
    public let pageSize: Int
    /// Up to ``pageSize`` items after a cursor, oldest first.
    public let page: @Sendable (_ after: Int) async throws -> [Item]
    /// Each item's cursor and event name.
    public let cursor: @Sendable (Item) -> Int
    public let kind: @Sendable (Item) -> String
    /// Whether the caller may still read the stream.
    public let isAllowed: @Sendable () -> Bool
    /// The stream's place in its key's quota, held as long as the stream is.
    let lease: StreamLease

    /// The same stream with every event named `kind`: a page's script listens for one name.
    public func named(_ kind: String) -> LiveStream {
        LiveStream(newest: newest, wakes: wakes, pageSize: pageSize, page: page, cursor: cursor, kind: { _ in kind },
                   isAllowed: isAllowed, lease: lease)
    }
}
