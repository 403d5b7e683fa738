import CordonTestSupport
import Foundation
import HTTPTypes
import Testing

/// Bodies built to break the reader, sent as an attacker with any key would.
@Suite struct HostileBodyTests {
    /// 513 `[` made Foundation's decoder trap and took the hub down for everyone (found by
    /// FuzzJSONBodies). Without the nesting check this test ends the test process.
    @Test func deeplyNestedBodiesAreRefusedAndTheHubStaysUp() async throws {
        let f = try await HubFixture.make()
        try await f.withServer { c in
            for (route, depth) in [("/v1/match", 513), ("/v1/collections/\(f.collection)/signals", 513), ("/v1/match", 100_000)] {
                let reply = try await c.call(.post, route, key: f.adminKey, body: String(repeating: "[", count: depth))
                #expect(reply.status == 400 && reply.error["field"] as? String == "body", "\(route) \(depth): \(reply.status)")
                #expect((reply.error["message"] as? String)?.contains("nested more than 64 deep") == true)
            }
            // Still serving.
            #expect(try await c.call(.get, "/health", key: nil).status == 200)
            let match = try await c.call(.post, "/v1/match", key: f.adminKey, json: ["type": "pdq", "value": String(repeating: "0f", count: 32)])
            #expect(match.status == 200)
        }
    }
}
