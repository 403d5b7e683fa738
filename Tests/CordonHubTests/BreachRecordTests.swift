import CordonDomain
import CordonTestSupport
import Foundation
import HTTPTypes
import Testing

/// The one-hour clock's record belongs to the hub: a platform that removed late cannot
/// make its removal look timely by what it claims afterwards (review finding F7).
@Suite struct BreachRecordTests {
    @Test(arguments: Backend.allCases)
    func aLateRemovalStaysABreachWhateverThePlatformClaims(_ backend: Backend) async throws {
        let d = try await DeskFixture.make(backend)
        try await d.hub.withServer { c in
            let keyID = try await d.registerKey(c)
            func issue() async throws -> (id: String, received: Date) {
                let issued = try await d.order(c, urls: ["https://video.example.org/watch?v=\(UUID().uuidString)"], keyID: keyID)
                #expect(issued.status == 201, "\(issued.json ?? "")")
                return (try #require(issued.object["id"] as? String),
                        try #require(RemovalOrderContent.parseDate(issued.object["receivedAt"] as? String ?? "")))
            }
            func act(_ id: String, _ key: String, _ body: [String: Any]) async throws -> HubClient.Reply {
                try await c.call(.post, "/v1/cases/\(id)/actions", key: key, json: body)
            }
            let late = try await issue()
            let inTime = try await issue()
            #expect(try await act(inTime.id, d.betaKey, ["action": "confirm-removal"]).object["breachedAt"] == nil)

            // Three hours pass; the platform says it removed ten minutes after receipt.
            d.clock.advance(by: 3 * 3600)
            let paused = try await act(late.id, d.betaKey, ["action": "report-inability", "reason": "force-majeure", "detail": "outage"])
            #expect(paused.status == 409 && paused.error["field"] as? String == "action",
                    "a pause after the deadline would open a fresh hour: \(paused.json ?? "")")
            let claimed = late.received.addingTimeInterval(600)
            let removed = try await act(late.id, d.betaKey, ["action": "confirm-removal", "at": claimed.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))])
            #expect(removed.status == 200, "\(removed.json ?? "")")
            let breachedAt = try #require(RemovalOrderContent.parseDate(removed.object["breachedAt"] as? String ?? ""),
                                          "the breach the hub saw is kept: \(removed.json ?? "")")
            #expect(abs(breachedAt.timeIntervalSince(late.received) - 3600) < 0.01)
            // The claim is kept as the platform made it.
            #expect(RemovalOrderContent.parseDate(removed.object["removedAt"] as? String ?? "").map { abs($0.timeIntervalSince(claimed)) < 0.01 } == true)

            // The transparency figures count what the hub saw: one order in time, one breach.
            let year = Calendar(identifier: .gregorian).component(.year, from: d.clock.now())
            let figures = try await c.call(.get, "/v1/reports/transparency?organisation=\(d.beta.uuidString)&year=\(year)", key: d.betaKey)
            #expect(figures.status == 200, "\(figures.json ?? "")")
            let platform = figures.object["asPlatform"] as? [String: Any]
            #expect(platform?["deadlinesBreached"] as? Int == 1, "\(figures.json ?? "")")
        }
    }
}
