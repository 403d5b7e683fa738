import CordonDomain
import CordonHub
import CordonServices
import CordonTestSupport
import Foundation
import HTTPTypes
import Testing

/// The operator's suspension over real HTTP: an open stream of the organisation ends
/// within a second or two, its keys stop at once, and reinstatement brings them back.
@Suite struct SuspensionTests {
    @Test(arguments: Backend.allCases)
    func suspensionEndsOpenStreamsAndKeys(_ backend: Backend) async throws {
        let f = try await HubFixture.make(backend)
        try await f.withServer { c in
            let (beta, key) = try await HubAPITests.member(f, c, name: "Beta", role: .consumer, access: .read)
            let url = "http://127.0.0.1:\(c.port!)/v1/feed/stream?collection=\(f.collection)"
            async let streamed = EventStreamClient.collect(url: url, headers: [("Authorization", "Bearer \(key)")], timeout: .seconds(15)) {
                $0.contains { $0.event == "revoked" }
            }
            try await Task.sleep(for: .milliseconds(500))
            let started = ContinuousClock.now
            let suspended = try await c.call(.post, "/v1/organisations/\(beta)/suspension", key: f.operatorKey, json: ["reason": "abuse"])
            #expect(suspended.status == 200 && suspended.object["suspendedAt"] != nil)
            let (status, events) = try await streamed
            #expect(status == 200 && events.last?.event == "revoked", "\(events)")
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(try await c.call(.get, "/v1/me", key: key).status == 401)
            // Only the operator suspends; a member's admin is refused and nothing changes.
            let refused = try await c.call(.post, "/v1/organisations/\(beta)/suspension", key: f.adminKey, json: ["reason": "rival"])
            #expect(refused.status == 403 && refused.error["field"] as? String == "organisation")
            #expect(try await c.call(.delete, "/v1/organisations/\(beta)/suspension", key: f.operatorKey).status == 200)
            #expect(try await c.call(.get, "/v1/me", key: key).status == 200)
        }
    }
}
