import CordonDomain
import Foundation
import SQLiteNIO
import Synchronization

/// Which rows may hold a (collection, type, value): SQLite's stand-in for a unique index
/// on those columns.
///
/// Such an index on 64-character hashes puts every new row at a random place in a large
/// B-tree, so a bulk submission into a table of a million rewrote thousands of pages on
/// each commit (0.3 s per 10,000 hashes, against 0.02 s for the rows alone). The directory
/// keeps a 64-bit fingerprint of each key in memory instead (about 40 MB per million), and
/// the table is only appended to. Fingerprints can clash, so a hit is a candidate: its row
/// is read and compared before it counts.
///
/// It learns only from committed rows. Each submission first reads the rows numbered above
/// the newest it knows, inside its write transaction. That finds every row added since,
/// whoever wrote it: ids are never reused (``AppendOnlyLogs``), and SQLite lets one
/// transaction write at a time and refuses the write of one that read before another's
/// commit, so no row can appear between that read and the submission's own inserts. A
/// deleted row (a purged drill's) leaves a candidate that its missing row rules out.
final class SignalDirectory: Sendable {
    private struct State {
        /// Fingerprint → id of the first row with it.
        var ids: [Int: Int] = [:]
        /// Further rows with a fingerprint already taken (clashes: almost never).
        var clashes: [Int: [Int]] = [:]
        /// The newest id read; `nil` until the table is read the first time.
        var newest: Int?

        mutating func add(_ fingerprint: Int, id: Int) {
            guard let first = ids[fingerprint] else {
                ids[fingerprint] = id
                return
            }
            if first != id && clashes[fingerprint]?.contains(id) != true { clashes[fingerprint, default: []].append(id) }
        }
    }

    private let state = Mutex(State())

    /// Reads the rows committed since the last call, and returns the newest id read. Call
    /// it inside the write transaction whose inserts the directory vouches for.
    @discardableResult
    func catchUp(on sqlite: any SQLiteDatabase) async throws -> Int {
        let rows = try await sqlite.rows("SELECT max(id) AS newest FROM \(SignalRecord.schema)")
        var newest = 0
        if case .integer(let id) = rows.first?.column("newest") { newest = id }
        let after: Int? = state.withLock { state in
            guard let known = state.newest else { return 0 }
            return known < newest ? known : nil
        }
        guard let after else { return newest }
        // Collections are few: their ids are parsed once each, not once per row.
        let collections = Mutex<[String: UUID]>([:])
        try await sqlite.forEachRow(
            "SELECT id, collection_id, type, value FROM \(SignalRecord.schema) WHERE id > ?", [.integer(after)]
        ) { [self] row in
            guard case .integer(let id) = row.column("id"),
                  case .text(let collection) = row.column("collection_id"),
                  let collectionID = collections.withLock({ known in
                      if let id = known[collection] { return id }
                      known[collection] = UUID(uuidString: collection)
                      return known[collection]
                  }),
                  case .text(let type) = row.column("type"),
                  case .text(let value) = row.column("value")
            else { return }
            let fingerprint = Self.fingerprint(collectionID, type, value)
            state.withLock { $0.add(fingerprint, id: id) }
        }
        state.withLock { $0.newest = max($0.newest ?? 0, newest) }
        return newest
    }

    /// After a commit: the rows a submission added, all numbered above `read`, what its
    /// ``catchUp(on:)`` returned. Its transaction held the write lock, so no other row is
    /// numbered in between, and the directory need not read them back. If it has read on
    /// meanwhile, it has (or will have) read them itself.
    func remember(_ signals: [StoredSignal], addedAfter read: Int) {
        guard let last = signals.map(\.id).max() else { return }
        state.withLock { state in
            guard state.newest == read else { return }
            for signal in signals {
                state.add(Self.fingerprint(signal.collectionID, signal.type.rawValue, signal.value), id: signal.id)
            }
            state.newest = last
        }
    }

    /// Ids of the rows that may hold each key of `collection` (read them to be sure).
    func candidates(for keys: some Sequence<SignalKey>, in collection: UUID) -> [Int] {
        state.withLock { state in
            var found: [Int] = []
            for key in keys {
                let fingerprint = Self.fingerprint(collection, key.type.rawValue, key.value)
                guard let id = state.ids[fingerprint] else { continue }
                found.append(id)
                found += state.clashes[fingerprint] ?? []
            }
            return found
        }
    }

    /// A key's fingerprint, for this process's lifetime (`Hasher` is seeded per process).
    private static func fingerprint(_ collection: UUID, _ type: String, _ value: String) -> Int {
        var hasher = Hasher()
        hasher.combine(collection)
        hasher.combine(type)
        hasher.combine(value)
        return hasher.finalize()
    }
}
