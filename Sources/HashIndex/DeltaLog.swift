/// Entries inserted since the tables were built, in insertion order, in fixed-size chunks
/// that never move: the writer appends past the end while readers read the prefix their
/// snapshot was published with.
struct DeltaLog {
    struct Entry: Sendable {
        var hash: Hash256
        var id: UInt64
        /// When it was inserted, to tell it from removals of the same id.
        var sequence: UInt64
    }

    /// One block of entries. Safe to share: a slot is written once, before the count that
    /// covers it is published (under the index's lock), and never again.
    final class Chunk: @unchecked Sendable {
        static let capacity = 4096
        let base = UnsafeMutablePointer<Entry>.allocate(capacity: capacity)
        var initialized = 0
        deinit {
            base.deinitialize(count: initialized)
            base.deallocate()
        }
    }

    /// A published prefix of the log.
    struct View: Sendable {
        fileprivate var chunks: [Chunk] = []
        private(set) var count = 0

        init() {}

        fileprivate init(chunks: [Chunk], count: Int) {
            self.chunks = chunks
            self.count = count
        }

        subscript(index: Int) -> Entry {
            precondition(index < count)
            return chunks[index / Chunk.capacity].base[index % Chunk.capacity]
        }

        /// Calls `body` with each chunk's valid entries in order.
        func forEachRun(_ body: (UnsafeBufferPointer<Entry>) -> Void) {
            var remaining = count
            for chunk in chunks where remaining > 0 {
                let run = min(remaining, Chunk.capacity)
                body(UnsafeBufferPointer(start: chunk.base, count: run))
                remaining -= run
            }
        }
    }

    private var chunks: [Chunk] = []
    private(set) var count = 0

    mutating func append(_ entry: Entry) {
        if count % Chunk.capacity == 0 { chunks.append(Chunk()) }
        let chunk = chunks[count / Chunk.capacity]
        (chunk.base + count % Chunk.capacity).initialize(to: entry)
        chunk.initialized += 1
        count += 1
    }

    func view() -> View { View(chunks: chunks, count: count) }
}
