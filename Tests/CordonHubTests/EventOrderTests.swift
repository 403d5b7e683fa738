import CordonDomain
@testable import CordonStore
import FluentKit
import CordonTestSupport
import Foundation
import HTTPTypes
import Synchronization
import Testing

/// Review finding F5: on PostgreSQL an event's id is taken when it is inserted, not when it
/// commits. A reader paging by id must still never pass an event that commits late.
@Suite struct EventOrderTests {
    @Test func aCaseEventThatCommitsLateIsStillRead() async throws {
        let d = try await DeskFixture.make(.postgres)
        try await d.hub.withServer { c in
            func referral(_ n: Int) async throws -> UUID {
                let reply = try await c.call(.post, "/v1/referrals", key: d.unitKey,
                                             json: ["platform": d.beta.uuidString, "urls": ["https://ok.org/\(n)"], "statement": "s"])
                return try #require(UUID(uuidString: reply.object["id"] as? String ?? ""))
            }
            let slow = try await referral(1)
            let fast = try await referral(2)
            func events(after cursor: Int) async throws -> [[String: Any]] {
                try await c.call(.get, "/v1/case-events?since=\(cursor)", key: d.betaKey).object["events"] as? [[String: Any]] ?? []
            }
            let start = try await events(after: 0).compactMap { $0["id"] as? Int }.max() ?? 0

            // Writer A inserts an event for the first case and holds its transaction open;
            // writer B acknowledges the second case meanwhile.
            let inserted = AsyncStream.makeStream(of: Void.self)
            let store = d.hub.store
            let slowWriter = Task {
                try await store.hub.write([.cases]) { db in
                    let record = try #require(try await CaseRecord.find(slow, on: db))
                    try await HubStore.recordEvent(.acknowledged, of: record, at: Date(), detail: ["from": "test"], on: db)
                    inserted.continuation.yield()
                    try await Task.sleep(for: .seconds(2))
                }
            }
            for await _ in inserted.stream { break }
            #expect(try await c.call(.post, "/v1/cases/\(fast)/actions", key: d.betaKey, json: ["action": "acknowledge"]).status == 200)

            // A reader that follows B's answer at once, then reads on from where it got.
            let first = try await events(after: start)
            let cursor = first.compactMap { $0["id"] as? Int }.max() ?? start
            try await slowWriter.value
            let second = try await events(after: cursor)
            let cases = (first + second).compactMap { ($0["caseID"] as? String)?.uppercased() }
            #expect(cases.contains(slow.uuidString) && cases.contains(fast.uuidString),
                    "the reader passed an event that committed late: \(first) then \(second)")
        }
    }
}
