import CordonDomain
@testable import CordonStore
import CordonTestSupport
import FluentKit
import Foundation
import SQLKit
import Testing

/// On PostgreSQL, feedback that arrives while a retraction is committing must not write the
/// signal's old status back (the review's F13): the retracted hash would match again.
@Suite struct FeedbackRetractionRaceTests {
    @Test func feedbackWaitingOnARetractionLeavesTheSignalRetracted() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-race-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await TransparencyFiguresTests.open(.postgres, in: folder)
        let store = HubStore(database)
        let source = try await SignalDirectoryTests.member("Source", of: store)
        let reporter = try await SignalDirectoryTests.member("Reporter", of: store)
        let collection = try await store.createCollection(name: "shared", description: "", by: source).id!
        _ = try await store.submit([SignalSubmission(type: .pdq, value: SignalDirectoryTests.hash())], to: collection, by: source)
        let sql = database.database as! any SQLDatabase
        struct Row: Decodable { var id: Int, status: String }
        let signal = try #require(try await sql.raw("SELECT id, status FROM signals").first(decoding: Row.self)).id

        // A retraction holds the feed's lock, its status written but not yet committed.
        let (release, letGo) = AsyncStream.makeStream(of: Void.self)
        let (held, holding) = AsyncStream.makeStream(of: Void.self)
        let retraction = Task {
            try await database.database.transaction { db in
                let sql = db as! any SQLDatabase
                try await sql.raw("LOCK TABLE changes IN SHARE ROW EXCLUSIVE MODE").run()
                try await sql.raw("UPDATE signals SET status = 'retracted' WHERE id = \(bind: signal)").run()
                holding.yield()
                for await _ in release { break }
            }
        }
        for await _ in held { break }
        // One false positive quarantines under these rules: a stale read would write that.
        let feedback = Task {
            try await store.addFeedback(signalID: signal, kind: .falsePositive, comment: "not terrorist content",
                                        rules: SafeguardRules(quarantineAfter: 1), now: Date(), by: reporter)
        }
        struct Waiting: Decodable { var waiting: Int }
        let deadline = ContinuousClock.now + .seconds(10)
        while try await sql.raw("SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            .first(decoding: Waiting.self)?.waiting == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        letGo.yield()
        try await retraction.value
        let answered = try await feedback.value
        #expect(answered.status == .retracted)
        #expect(try await sql.raw("SELECT id, status FROM signals WHERE id = \(bind: signal)").first(decoding: Row.self)?.status == "retracted")
        await database.close()
    }
}
