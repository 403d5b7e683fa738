import CordonDomain
import FluentKit
import Foundation
import SQLKit
import SQLiteNIO
import Synchronization

extension HubStore {
    /// Every signal that can match (not retracted), in batches of up to `batchSize`, for
    /// building the in-memory index at start-up; and the feed cursor they are current as
    /// of. Batches come in no particular order, and on SQLite from several threads at once.
    public func loadMatchableSignals(batchSize: Int = 20_000,
                                     _ body: @escaping @Sendable ([StoredSignal]) -> Void) async throws -> Int {
        let cursor = try await latestChange()
        let retracted = SignalStatus.retracted.rawValue
        if let sqlite = db as? any SQLiteDatabase {
            // The ids are cut into one range per connection, each read on its own thread: one
            // reader building a million rows was most of a start (2.4 s of 3).
            struct Bounds: Decodable { var low: Int?, high: Int? }
            let bounds = try await hub.sql.raw("SELECT min(id) AS low, max(id) AS high FROM \(unsafeRaw: SignalRecord.schema)")
                .first(decoding: Bounds.self)
            guard let low = bounds?.low, let high = bounds?.high else { return cursor }
            var readers = hub.sqliteConnections
            if readers.isEmpty { readers = [sqlite] }
            let share = (high - low) / readers.count + 1
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, reader) in readers.enumerated() {
                    let first = low + index * share
                    group.addTask {
                        let batches = SignalBatches(size: batchSize, body)
                        try await reader.forEachRow(
                            "SELECT * FROM \(SignalRecord.schema) WHERE id >= ? AND id < ? AND status <> ?",
                            [.integer(first), .integer(first + share), .text(retracted)]
                        ) { row in
                            batches.add { StoredSignal(sqlite: row, memo: &$0) }
                        }
                        batches.flush()
                    }
                }
                try await group.waitForAll()
            }
            return cursor
        }
        let batches = SignalBatches(size: batchSize, body)
        try await hub.sql.select().column(SQLLiteral.all).from(SignalRecord.schema)
            .where("status", .notEqual, retracted)
            .run { row in batches.add { _ in try? StoredSignal(row: row) } }
        batches.flush()
        return cursor
    }
}

/// Gathers the signals one reader reads into batches for ``HubStore/loadMatchableSignals(batchSize:_:)``.
/// A reader's rows come one after another on its connection's thread, so the lock is never
/// contended; it only makes the hand-over safe.
private final class SignalBatches: Sendable {
    private let size: Int
    private let body: @Sendable ([StoredSignal]) -> Void
    private let state = Mutex((memo: StoredSignal.RowMemo(), batch: [StoredSignal]()))

    init(size: Int, _ body: @escaping @Sendable ([StoredSignal]) -> Void) {
        self.size = size
        self.body = body
    }

    /// Adds the signal `read` makes of a row (with the texts the run had so far); hands
    /// on a full batch.
    func add(_ read: (inout StoredSignal.RowMemo) -> StoredSignal?) {
        let full = state.withLock { state -> [StoredSignal]? in
            guard let signal = read(&state.memo) else { return nil }
            if state.batch.isEmpty { state.batch.reserveCapacity(size) }
            state.batch.append(signal)
            guard state.batch.count >= size else { return nil }
            defer { state.batch = [] }
            return state.batch
        }
        if let full { body(full) }
    }

    /// Hands on what is left.
    func flush() {
        let rest = state.withLock { state in
            defer { state.batch = [] }
            return state.batch
        }
        if !rest.isEmpty { body(rest) }
    }
}
