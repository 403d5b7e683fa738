import Foundation

/// What a surface needs to serve a live stream of a use case's events (server-sent events,
/// a page's live list): where "now" is, when to look again, how to read a page after a
/// cursor, and whether the caller may still see it. Surfaces ask ``isAllowed`` on every
/// wake and twice a second, so a revoked key or a suspended organisation is cut off at once.
///
/// Streams woken together that see the same things (the same `audience`) read each page,
/// and render it, once between them (``SharedReads``).
public struct LiveStream<Item: Sendable>: Sendable {
    /// The cursor of the newest item now (a stream without a resume point starts there).
    public let newest: @Sendable () async throws -> Int
    /// Wakes when new items may have been written.
    public let wakes: AsyncStream<Void>
    public let pageSize: Int
    /// Each item's cursor and event name.
    public let cursor: @Sendable (Item) -> Int
    public let kind: @Sendable (Item) -> String
    /// Whether the caller may still read the stream.
    public let isAllowed: @Sendable () -> Bool
    /// Up to ``pageSize`` items after a cursor, oldest first, read from the store.
    private let read: @Sendable (_ after: Int) async throws -> [Item]
    /// Where the reads of streams woken together are shared, and what decides who shares:
    /// every stream with the same audience sees the same items.
    private let reads: SharedReads
    private let audience: String
    /// The stream's place in its key's quota, held as long as the stream is.
    let lease: StreamLease

    init(newest: @escaping @Sendable () async throws -> Int, wakes: AsyncStream<Void>, reads: SharedReads, audience: String,
         pageSize: Int, page: @escaping @Sendable (_ after: Int) async throws -> [Item], cursor: @escaping @Sendable (Item) -> Int,
         kind: @escaping @Sendable (Item) -> String, isAllowed: @escaping @Sendable () -> Bool, lease: StreamLease) {
        self.newest = newest
        self.wakes = wakes
        self.reads = reads
        self.audience = audience
        self.pageSize = pageSize
        self.read = page
        self.cursor = cursor
        self.kind = kind
        self.isAllowed = isAllowed
        self.lease = lease
    }

    /// Up to ``pageSize`` items after `cursor`, oldest first.
    public func page(after cursor: Int) async throws -> [Item] {
        try await reads.read("\(audience) \(cursor)") { try await read(cursor) }
    }

    /// What `render` makes of the page after `cursor`: made once for all the streams woken
    /// together that ask for the same `rendering` (the same encoder, the same format).
    public func rendered<Output: Sendable>(after cursor: Int, as rendering: String,
                                           _ render: @escaping @Sendable ([Item]) throws -> Output) async throws -> Output {
        try await reads.read("\(audience) \(cursor) \(rendering)") { try render(try await page(after: cursor)) }
    }

    /// The same stream with every event named `kind`: a page's script listens for one name.
    public func named(_ kind: String) -> LiveStream {
        LiveStream(newest: newest, wakes: wakes, reads: reads, audience: "\(audience) named \(kind)", pageSize: pageSize, page: read,
                   cursor: cursor, kind: { _ in kind }, isAllowed: isAllowed, lease: lease)
    }
}
