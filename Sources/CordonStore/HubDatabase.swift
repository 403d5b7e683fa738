import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Logging
import NIOPosix
import ServiceLifecycle

/// The hub's database connection: opens SQLite or PostgreSQL through FluentKit, runs the
/// migrations, and closes the pools on graceful shutdown (it is a lifecycle `Service`).
public final class HubDatabase: Service, @unchecked Sendable {
    public let location: DatabaseLocation
    private let databases: Databases
    private let logger: Logger

    /// A database handle for queries.
    public var database: any Database {
        databases.database(logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())!
    }

    /// Connects and brings the schema up to date.
    public init(_ location: DatabaseLocation, logger: Logger) async throws {
        self.location = location
        self.logger = logger
        databases = Databases(threadPool: NIOThreadPool.singleton, on: MultiThreadedEventLoopGroup.singleton)
        switch location {
        case .sqlite(let path):
            databases.use(.sqlite(.file(path)), as: .sqlite)
        case .postgres(let url):
            databases.use(try .postgres(url: url), as: .psql)
        }
        let migrations = Migrations()
        migrations.add(CreateSchema())
        let migrator = Migrator(
            databases: databases, migrations: migrations, logger: logger,
            on: MultiThreadedEventLoopGroup.singleton.any(), migrationLogLevel: .debug)
        do {
            try await migrator.setupIfNeeded().flatMap { migrator.prepareBatch() }.get()
        } catch {
            await databases.shutdownAsync()
            throw error
        }
    }

    /// Waits for graceful shutdown, then closes the connections.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    public func close() async {
        await databases.shutdownAsync()
    }

    /// Whether this is PostgreSQL (which needs explicit ordering of feed entries).
    public var isPostgres: Bool {
        if case .postgres = location { return true }
        return false
    }
}
