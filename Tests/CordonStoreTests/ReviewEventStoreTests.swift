@testable import CordonStore
import Foundation
import SQLKit
import Testing

/// A mirror's verdict feed reads every event, also those kept before events carried their
/// whole verdict (version 13): a page of only such events once read as empty, and a
/// reader's cursor never moved past them.
@Suite struct ReviewEventStoreTests {
    @Test func eventsKeptBeforeVersion13AreReadWithTheirDetail() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-store-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await TransparencyFiguresTests.open(.sqlite, in: folder)
        let store = HubStore(database)
        try await database.sql.raw("""
            INSERT INTO review_events (case_id, kind, body, at) VALUES (7, 'case-opened', '{"origin":"upload"}', 1000)
            """).run()
        let events = try await store.reviewEvents(since: 0, limit: 10)
        #expect(events.count == 1)
        #expect(events.first?.verdict.detail == ["origin": "upload"] && events.first?.verdict.caseID == 7)
        await database.close()
    }
}
