import Logging
import NIOCore
import NIOPosix
import SQLiteNIO
import Synchronization

/// Copies SQLite's write-ahead log into the database file on a connection of its own, a
/// few times a second after writes, instead of inside whichever write crossed SQLite's
/// 1,000-page mark. That checkpoint (writing the pages again, then syncing the file) was
/// a third of a mirror's commit time during a first copy; here it runs on another thread
/// while the next write goes on (PASSIVE: it never waits for readers or the writer).
/// The write connections have SQLite's own checkpoints turned off (``HubDatabase``); one
/// that is opened again later has them back, which is only slower.
final class WALCheckpointer: Sendable {
    private let connection: SQLiteConnection
    private let written = Atomic(false)
    private let loop: Mutex<Task<Void, Never>?> = Mutex(nil)

    /// How often the log is copied while writes come.
    static let interval = Duration.milliseconds(250)

    init(path: String, threads: NIOThreadPool, logger: Logger) async throws {
        connection = try await SQLiteConnection.open(storage: .file(path: path), threadPool: threads, logger: logger,
                                                     on: MultiThreadedEventLoopGroup.singleton.any()).get()
        // Only ``truncate()`` waits (PASSIVE checkpoints never do): as long as a write may.
        _ = try await connection.query("PRAGMA busy_timeout=10000")
        // Holds the checkpointer until ``close()`` ends it.
        let task = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.interval)
                if written.exchange(false, ordering: .acquiringAndReleasing) {
                    _ = try? await connection.query("PRAGMA wal_checkpoint(PASSIVE)")
                }
            }
        }
        loop.withLock { $0 = task }
    }

    /// After a write: the log is copied within ``interval``.
    func wrote() {
        written.store(true, ordering: .releasing)
    }

    /// Copies the whole log into the file and empties the log, so that rows rewritten by a
    /// purge are left in neither: SQLite keeps old page images in the log until it is
    /// overwritten, while freed space in the file is zeroed (sqlite-nio builds SQLite with
    /// `SQLITE_SECURE_DELETE`). Waits for readers and the writer up to the busy timeout;
    /// false if one still held the log.
    func truncate() async throws -> Bool {
        let result = try await connection.query("PRAGMA wal_checkpoint(TRUNCATE)")
        return result.first?.column("busy")?.integer == 0
    }

    /// Copies what is left, and closes the connection.
    func close() async {
        let task = loop.withLock { $0 }
        task?.cancel()
        await task?.value
        _ = try? await connection.query("PRAGMA wal_checkpoint(PASSIVE)")
        try? await connection.close()
    }
}
