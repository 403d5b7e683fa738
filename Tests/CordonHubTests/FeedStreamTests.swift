import CordonDomain
import CordonTestSupport
import Foundation
import HTTPTypes
import Testing

/// `GET /v1/feed/stream`: the mirror feed as server-sent events, read by a real client.
@Suite struct FeedStreamTests {
    @Test(arguments: Backend.allCases)
    func aSubscriberGetsTheBacklogThenEachChangeLiveInCursorOrder(_ backend: Backend) async throws {
        let f = try await HubFixture.make(backend)
        try await f.withServer { c in
            let uri = "/v1/collections/\(f.collection)/signals"
            let first = try await c.call(.post, uri, key: f.adminKey, json: ["type": "pdq", "value": HubAPITests.hashA])
            #expect(first.status == 201)
            let url = "http://127.0.0.1:\(try #require(c.port))/v1/feed/stream?collection=\(f.collection)&since=0"
            // Writes while the subscriber listens: 3 requests of 10, then a retraction.
            let writer = Task {
                try await Task.sleep(for: .milliseconds(300))
                for request in 0..<3 {
                    let signals = (0..<10).map { ["type": "md5", "value": String(format: "%032x", request * 100 + $0)] }
                    #expect(try await c.call(.post, uri, key: f.adminKey, json: ["signals": signals]).status == 201)
                }
                let id = try #require(((first.object["results"] as? [[String: Any]])?.first?["signal"] as? [String: Any])?["id"] as? Int)
                #expect(try await c.call(.post, "/v1/signals/\(id)/retract", key: f.adminKey).status == 200)
            }
            // A minute at most: with every suite running beside it on two cores, 20 s was once too short.
            let (status, events) = try await EventStreamClient.collect(
                url: url, headers: [("Authorization", "Bearer \(f.adminKey)")], timeout: .seconds(60)) { $0.count >= 32 }
            try await writer.value
            #expect(status == 200)
            #expect(events.count == 32)
            let cursors = events.compactMap { $0.id.flatMap(Int.init) }
            try #require(cursors.count == 32, "the resumption below reads cursors[29]")
            #expect(cursors == cursors.sorted() && Set(cursors).count == 32)
            #expect(events.first?.event == "added" && events.last?.event == "retracted")
            #expect(((events.last?.json["signal"] as? [String: Any])?["status"] as? String) == "retracted")

            // Resuming with Last-Event-ID replays only what came after it.
            let resumed = try await EventStreamClient.collect(
                url: "http://127.0.0.1:\(try #require(c.port))/v1/feed/stream?collection=\(f.collection)",
                headers: [("Authorization", "Bearer \(f.adminKey)"), ("Last-Event-ID", String(cursors[29]))]) { $0.count >= 2 }
            #expect(resumed.events.compactMap { $0.id.flatMap(Int.init) } == Array(cursors[30...]))

            // No key, or a collection the caller is not in: refused before any stream starts.
            let anonymous = try await EventStreamClient.collect(url: url, headers: []) { _ in true }
            #expect(anonymous.status == 401)
            let stranger = try await EventStreamClient.collect(
                url: "http://127.0.0.1:\(try #require(c.port))/v1/feed/stream?collection=\(UUID())",
                headers: [("Authorization", "Bearer \(f.adminKey)")]) { _ in true }
            #expect(stranger.status == 404)
            let badCursor = try await c.call(.get, "/v1/feed/stream?collection=\(f.collection)&since=x", key: f.adminKey)
            #expect(badCursor.status == 400 && badCursor.error["field"] as? String == "since")
            let badResume = try await EventStreamClient.collect(
                url: url, headers: [("Authorization", "Bearer \(f.adminKey)"), ("Last-Event-ID", "yesterday")]) { _ in true }
            #expect(badResume.status == 400)
        }
    }
}
