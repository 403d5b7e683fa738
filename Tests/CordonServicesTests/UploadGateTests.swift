@testable import CordonServices
import Foundation
import Testing

/// Uploads are decoded a few at a time per organisation: the next waits its turn, the one
/// after is refused at once, and another organisation is not held up.
@Suite struct UploadGateTests {
    @Test func aBurstQueuesThenIsRefusedAndOthersAreNotHeldUp() async throws {
        let gate = UploadGate(concurrent: 1, queued: 1)
        let (alpha, beta) = (UUID(), UUID())
        let (release, releaser) = AsyncStream.makeStream(of: Void.self)
        let first = Task { try await gate.run(for: alpha) { for await _ in release { break }; return "first" } }
        while gate.load(of: alpha).running == 0 { await Task.yield() }
        let second = Task { try await gate.run(for: alpha) { "second" } }
        while gate.load(of: alpha).waiting == 0 { await Task.yield() }
        await #expect(throws: ServiceError.self) { try await gate.run(for: alpha) { "third" } }
        #expect(try await gate.run(for: beta) { "other organisation" } == "other organisation")
        releaser.yield()
        #expect(try await first.value == "first")
        #expect(try await second.value == "second")
        #expect(gate.load(of: alpha) == (0, 0))
    }
}
