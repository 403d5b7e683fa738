import CordonStore
import CordonTestSupport
import Foundation
import Logging
import Testing

/// Replicas starting together on a new PostgreSQL database: each migrates in turn, and all
/// of them start (without the advisory lock, all but one failed creating the same tables).
@Suite struct MigrationLockTests {
    @Test func fourReplicasOpeningANewDatabaseAtOnceAllStart() async throws {
        let url = try TestPostgres.newDatabaseURL()
        let logger = { var logger = Logger(label: "test"); logger.logLevel = .critical; return logger }()
        let opened = await withTaskGroup(of: Result<HubDatabase, any Error>.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    do {
                        return .success(try await HubDatabase(.postgres(url: url), logger: logger))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        for result in opened {
            if case .failure(let error) = result { Issue.record("a replica failed to start: \(String(reflecting: error))") }
        }
        for case .success(let database) in opened {
            #expect(try await HubStore(database).organisations().isEmpty)
            await database.close()
        }
    }
}
