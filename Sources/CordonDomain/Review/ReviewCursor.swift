/// Where a page of a mirror's review queue ended: the last case's id and, when the queue is
/// in priority order, its priority. Written `priority:id` or `id`; only what the hub wrote
/// is read back (a cursor that read `1:x:2` as `1:2` sent a reviewer to the wrong page), and
/// priorities, like ids, are never negative (`ReviewPriority`).
public struct ReviewCursor: Hashable, Sendable {
    public var priority: Int?
    public var id: Int

    public init(priority: Int?, id: Int) {
        self.priority = priority
        self.id = id
    }

    /// The cursor as the next page's link carries it.
    public var text: String {
        priority.map { "\($0):\(id)" } ?? String(id)
    }

    /// Reads a cursor of a queue in priority order (`byPriority`) or newest first; nil for
    /// anything else.
    public init?(_ text: String, byPriority: Bool) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == (byPriority ? 2 : 1), let id = EventCursor.parse(parts[parts.count - 1]) else { return nil }
        if byPriority {
            guard let priority = EventCursor.parse(parts[0]) else { return nil }
            self.priority = priority
        } else {
            priority = nil
        }
        self.id = id
    }
}
