import CordonTestSupport
import Testing

/// The test client for event streams, as the permission matrix uses it under a loaded CI.
struct EventStreamClientTests {
    /// A one-second listen must not fail because the server took two seconds to answer
    /// (the matrix's SQLite half failed with `deadlineExceeded` that way on two busy cores).
    @Test func aShortListenWaitsForASlowAnswer() async throws {
        let site = LoopbackSite()
        try await site.run { port in
            let (status, events) = try await EventStreamClient.collect(
                url: "http://127.0.0.1:\(port)/slow-stream", headers: [], timeout: .seconds(1)) { _ in false }
            #expect(status == 200)
            #expect(events.map(\.data) == ["late"])
        }
    }
}
