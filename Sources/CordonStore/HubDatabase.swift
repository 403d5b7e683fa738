import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import SQLKit
import ServiceLifecycle
import Synchronization

/// The hub's database connection: opens SQLite or PostgreSQL through FluentKit, runs the
/// migrations, and closes the pools on graceful shutdown (it is a lifecycle `Service`).
public final class HubDatabase: Service, @unchecked Sendable {
    public let location: DatabaseLocation
    private let databases: Databases
    private let logger: Logger
    private let gate = WriteGate()
    /// On PostgreSQL, one queue per table lock (see ``write(_:_:)``), in lock order.
    private let tableGates: [(topic: HubTopic, gate: WriteGate)] = [(.cases, WriteGate()), (.incidents, WriteGate()), (.signals, WriteGate())]
    /// On SQLite, what copies the write-ahead log into the file (``WALCheckpointer``).
    private let checkpointer = Mutex<WALCheckpointer?>(nil)
    /// SQLite's blocking calls run on threads of their own: on the process's shared pool
    /// a video decode, a DNS lookup or the catalog's compaction held up every query.
    let threads: NIOThreadPool?
    /// On SQLite, what stands in for the unique index on signals (see ``SignalDirectory``).
    let signalDirectory: SignalDirectory?
    private let closed = Atomic<Bool>(false)
    /// On PostgreSQL, signals this process added since it last had the feed's statistics
    /// brought up to date, and how many it had added by then (see ``feedGrew(by:)``).
    private let feedGrowth = Mutex<(sinceAnalyze: Int, analysed: Int)>((0, 0))

    /// One handle per event loop, made once: asked for after ``close()``, `Databases` has
    /// none to give (a worker's last tick after a test closed its database stopped the
    /// process), where a handle kept from before fails its queries with an error.
    private let handles: [any Database]

    /// How long a query waits for a pooled connection before it fails.
    static let connectionWait: TimeAmount = .seconds(60)

    /// A database handle for queries.
    public var database: any Database {
        handles.randomElement()!
    }

    /// The same handle, for SQL the query builder does not cover (bulk writes, streaming reads).
    var sql: any SQLDatabase { database as! any SQLDatabase }

    /// On SQLite, one handle per event loop, each on a connection of its own: a read split
    /// between them runs on as many threads at once (start-up reads every signal).
    var sqliteConnections: [any SQLiteDatabase] {
        handles.compactMap { $0 as? any SQLiteDatabase }
    }

    /// Connects and brings the schema up to date.
    ///
    /// On PostgreSQL, a statement, or a transaction left idle, that runs longer than
    /// `statementTimeout` is cancelled, so a runaway query or a stuck task cannot hold a
    /// table lock and a pooled connection for ever (the review's F12).
    public init(_ location: DatabaseLocation, statementTimeout: Duration = .seconds(60), logger: Logger) async throws {
        self.location = location
        self.logger = logger
        if case .sqlite = location { signalDirectory = SignalDirectory() } else { signalDirectory = nil }
        if case .sqlite = location {
            let threads = NIOThreadPool(numberOfThreads: max(2, System.coreCount))
            threads.start()
            self.threads = threads
        } else {
            threads = nil
        }
        databases = Databases(threadPool: threads ?? NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
        switch location {
        case .sqlite(let path):
            // One connection per event loop: a request waits for its loop's connection while
            // another holds it. The driver's 10 s wait failed requests (HTTP 500) when a busy
            // machine stalled the holder; a minute, as on PostgreSQL, makes them slow instead.
            databases.use(.sqlite(.file(path), connectionPoolTimeout: Self.connectionWait, sqlLogLevel: .trace), as: .sqlite)
        case .postgres(let url):
            // Connections per event loop: with the driver's one, four requests writing at once
            // waited for two connections and, on a busy machine, gave up after 10 s (HTTP 500).
            var serving = try SQLPostgresConfiguration(url: url)
            let seconds = "\(statementTimeout.components.seconds)s"
            serving.coreConfiguration.options.additionalStartupParameters = [
                ("statement_timeout", seconds), ("idle_in_transaction_session_timeout", seconds),
            ]
            databases.use(.postgres(configuration: serving, maxConnectionsPerEventLoop: 4, connectionPoolTimeout: Self.connectionWait,
                                    encodingContext: .default, decodingContext: .default, sqlLogLevel: .trace), as: .psql)
            // Migrations get connections of their own without the limit: an index built over
            // millions of existing rows may take minutes, once.
            databases.use(try .postgres(url: url, connectionPoolTimeout: Self.connectionWait, sqlLogLevel: .trace),
                          as: .migrating, isDefault: false)
        }
        handles = MultiThreadedEventLoopGroup.singleton.makeIterator().compactMap { [databases, logger] in
            databases.database(logger: logger, on: $0)
        }
        let migrations = Migrations()
        let schema: [any Migration] = [
            CreateSchema(),
            CreateCaseSchema(),
            CreateReportIndexes(),
            CreateIncidentSchema(),
            AppendOnlyLogs(),
            OperatorAndOwnership(),
            AuditChainSchema(),
            VideoSignalSchema(),
            UserAccountSchema(),
            MatchCountSchema(),
            UpstreamSchema(),
            ReviewSchema(),
            ReviewPublishingSchema(),
            UpstreamSnapshotSchema(),
            SignalFileIndexSchema(),
            SafeguardSchema(),
            CivilSocietySchema(),
            RetentionSealSchema(),
        ]
        migrations.add(schema, to: isPostgres ? .migrating : nil)
        let migrator = Migrator(
            databases: databases, migrations: migrations, logger: logger,
            on: MultiThreadedEventLoopGroup.singleton.any(), migrationLogLevel: .debug)
        do {
            if !isPostgres {
                // Readers never wait for the writer; kept in the file, so set once.
                try await sql.raw("PRAGMA journal_mode=WAL").run()
            }
            try await migrationLock {
                try await migrator.setupIfNeeded().flatMap { migrator.prepareBatch() }.get()
            }
            if case .sqlite(let path) = location, let threads {
                // One connection per event loop, each kept open: each leaves checkpoints to the
                // checkpointer, and waits up to 10 s for another process's write (`cordon
                // admin` beside the server) instead of failing at once with "database is locked".
                for loop in MultiThreadedEventLoopGroup.singleton.makeIterator() {
                    let connection = databases.database(logger: logger, on: loop) as! any SQLDatabase
                    try await connection.raw("PRAGMA wal_autocheckpoint=0").run()
                    try await connection.raw("PRAGMA busy_timeout=10000").run()
                }
                let opened = try await WALCheckpointer(path: path, threads: threads, logger: logger)
                checkpointer.withLock { $0 = opened }
            }
        } catch {
            await close()
            throw error
        }
    }

    /// Waits for graceful shutdown, then closes the connections.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    public func close() async {
        closed.store(true, ordering: .relaxed)
        await Self.close(databases, threads: threads, checkpointer: checkpointer.withLock { $0 })
    }

    private static func close(_ databases: Databases, threads: NIOThreadPool?, checkpointer: WALCheckpointer?) async {
        await checkpointer?.close()
        await databases.shutdownAsync()
        try? await threads?.shutdownGracefully()
    }

    /// A handle dropped without ``close()`` (its owner threw between opening and closing)
    /// still closes its pools, in the background: AsyncKit stops the process when a
    /// connection pool is freed open. The warning names the file so the owner can be found.
    deinit {
        guard !closed.load(ordering: .relaxed) else { return }
        logger.warning("the database at \(location) was dropped without close(); closing it now")
        Task { [databases, threads, checkpointer = checkpointer.withLock { $0 }] in
            await Self.close(databases, threads: threads, checkpointer: checkpointer)
        }
    }

    /// After a purge, makes the purged values unreadable from the disk where the database
    /// can: on SQLite, the write-ahead log is copied into the file and emptied (tried three
    /// times a second apart if readers hold it). PostgreSQL keeps old row versions until
    /// VACUUM reuses their space, and in its own log and backups (see the README). The purge
    /// has committed by then, so a failure here is logged, not thrown.
    func eraseOverwrittenPages() async {
        guard let checkpointer = checkpointer.withLock({ $0 }) else { return }
        let outcome = "purged values stay in the write-ahead log at \(location) until SQLite reuses its space"
        do {
            for attempt in 1...3 {
                if try await checkpointer.truncate() { return }
                if attempt < 3 { try await Task.sleep(for: .seconds(1)) }
            }
            logger.warning("readers held the log after a purge: \(outcome)")
        } catch {
            logger.warning("the log could not be emptied after a purge (\(error)): \(outcome)")
        }
    }

    /// Whether this is PostgreSQL (several hub replicas may share it).
    public var isPostgres: Bool {
        if case .postgres = location { return true }
        return false
    }

    /// Runs `body` in one transaction. On SQLite writers queue for the one write lock; on
    /// PostgreSQL the commit tells every replica which `topics` changed (NOTIFY).
    func write<T: Sendable>(
        _ topics: Set<HubTopic>, _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        if isPostgres {
            // Writers of one event table queue here, in memory, before they take a
            // connection: waiting on the table lock they held one each, and under load a
            // replica's whole pool waited on one lock while its reads timed out.
            let gates = tableGates.filter { topics.contains($0.topic) }.map(\.gate)
            return try await Self.passing(gates[...]) {
                try await database.transaction { db in
                    // Streams and `?since=` readers page event tables by id. Sequence ids are
                    // taken at insert, not at commit: a later writer that commits first would
                    // let a reader pass the earlier one's event for good. A write that adds
                    // events holds its table's lock from its start (always cases, then incidents,
                    // then the feed, so two writers never deadlock over them), which puts ids in
                    // commit order and serialises the read-decide-write of case actions and votes.
                    let sql = db as! any SQLDatabase
                    if topics.contains(.cases) { try await sql.raw("LOCK TABLE case_events IN SHARE ROW EXCLUSIVE MODE").run() }
                    if topics.contains(.incidents) { try await sql.raw("LOCK TABLE incident_events IN SHARE ROW EXCLUSIVE MODE").run() }
                    // The feed's `changes` likewise, and a signal read after it is current: feedback
                    // that read a signal before a retraction committed wrote its stale status back.
                    if topics.contains(.signals) { try await sql.raw("LOCK TABLE changes IN SHARE ROW EXCLUSIVE MODE").run() }
                    let result = try await body(db)
                    for topic in topics {
                        try await sql.raw("SELECT pg_notify('\(unsafeRaw: Self.channel)', \(bind: topic.rawValue))").run()
                    }
                    return result
                }
            }
        }
        defer { checkpointer.withLock { $0 }?.wrote() }
        return try await gate.run {
            try await database.transaction { db in
                // Take the write lock before the first read: a transaction that has read
                // cannot wait for another process's writer (its snapshot would be stale when
                // that one commits), so SQLite fails it at once, busy timeout or not.
                try await (db as! any SQLDatabase).raw("UPDATE hub_settings SET value = value WHERE 0").run()
                return try await body(db)
            }
        }
    }

    static let channel = "cordon_changes"

    /// Notes `rows` new signals on the feed. On PostgreSQL, once they are a fifth of what
    /// this process had added before (and at least 1,000), the planner's statistics of the
    /// feed's tables are brought up to date, in the background. After a bulk load, before
    /// autovacuum got to them, a feed page was planned for 88 rows and joined all 65,000 it
    /// found: 110 ms a page, against 11 ms once analysed, and under bench/load fifty streams'
    /// pages filled both cores.
    func feedGrew(by rows: Int) {
        guard isPostgres, rows > 0 else { return }
        let due = feedGrowth.withLock { growth -> Bool in
            growth.sinceAnalyze += rows
            guard growth.sinceAnalyze >= max(1_000, growth.analysed / 5) else { return false }
            growth.analysed += growth.sinceAnalyze
            growth.sinceAnalyze = 0
            return true
        }
        guard due else { return }
        let sql = sql, logger = logger
        Task {
            do {
                try await sql.raw("ANALYZE \(unsafeRaw: ChangeRecord.schema), \(unsafeRaw: SignalRecord.schema)").run()
            } catch {
                logger.warning("could not update the feed's statistics (ANALYZE): \(String(reflecting: error))")
            }
        }
    }

    /// Runs `body` once through each of `gates`, in order.
    private static func passing<T: Sendable>(_ gates: ArraySlice<WriteGate>, _ body: () async throws -> T) async throws -> T {
        guard let gate = gates.first else { return try await body() }
        return try await gate.run { try await passing(gates.dropFirst(), body) }
    }

    /// Runs `body` (the migrations) while holding a PostgreSQL advisory lock on a connection
    /// of its own, so replicas starting together migrate one after another instead of both
    /// creating the same tables (the loser failed to start). SQLite's write lock does this alone.
    private func migrationLock(_ body: () async throws -> Void) async throws {
        guard case .postgres(let url) = location else { return try await body() }
        let configuration = try SQLPostgresConfiguration(url: url)
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration.coreConfiguration, id: 1, logger: logger
        ).get()
        do {
            try await connection.query("SELECT pg_advisory_lock(\(Self.migrationLockKey))", logger: logger)
            try await body()
            try await connection.query("SELECT pg_advisory_unlock(\(Self.migrationLockKey))", logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    /// "Cordon" in ASCII: the advisory lock's key, shared by every replica.
    static let migrationLockKey: Int64 = 0x436F_7264_6F6E

    /// Calls `handler` with each topic another process (or this one) changed, until the
    /// task is cancelled. PostgreSQL only. Each time listening starts (the first time, and
    /// after a lost connection is re-opened) `handler` gets every topic, since nothing sent
    /// before `LISTEN` took effect is delivered. On SQLite (one process) it returns at once.
    public func followNotifications(_ handler: @escaping @Sendable (HubTopic) async -> Void) async {
        guard case .postgres(let url) = location, let configuration = try? SQLPostgresConfiguration(url: url) else { return }
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration.coreConfiguration,
                    id: 0, logger: logger
                ).get()
                defer { Task { try? await connection.close() } }
                try await connection.listen(on: Self.channel) { notifications in
                    for topic in HubTopic.allCases { await handler(topic) }
                    for try await notification in notifications {
                        if let topic = HubTopic(rawValue: notification.payload) { await handler(topic) }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("listening for changes from other replicas failed, retrying in 1 s: \(error)")
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}

/// What a write changed, as replicas are told.
public enum HubTopic: String, Sendable, CaseIterable, Hashable {
    /// Signals (the `changes` table grew).
    case signals
    /// Organisations, keys or memberships.
    case access
    /// Referrals and orders (the `case_events` table grew).
    case cases
    /// Incidents of the crisis protocol (the `incident_events` table grew).
    case incidents
}

extension DatabaseID {
    /// PostgreSQL connections for migrations, without the serving pool's statement timeout.
    static let migrating = DatabaseID(string: "psql-migrating")
}
