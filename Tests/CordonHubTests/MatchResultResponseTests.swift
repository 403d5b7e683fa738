import CordonDomain
@testable import CordonHub
import CordonStore
import Foundation
import Testing

/// The match answer is written by hand (``JSONText``); it must be the document the
/// hub's `JSONEncoder` writes for the same value, escapes and absent fields included.
@Suite struct MatchResultResponseTests {
    @Test func handWrittenMatchJSONEqualsTheEncoders() throws {
        let full = StoredSignal(
            id: 42, collectionID: UUID(), type: .pdq, value: String(repeating: "ab", count: 32),
            item: "quote \" backslash \\ slash / newline \n tab \t bell \u{7} é 🕊",
            labels: SignalLabels(categories: [.incitement, .threat], behaviours: [.attackerManifesto],
                                 entity: "Group \"X\"", incident: "2026-11-22"),
            confidence: 0.75, status: .disputed, contributors: [UUID(), UUID()],
            createdAt: Date(timeIntervalSince1970: 1_700_000_000.123), updatedAt: Date(timeIntervalSince1970: 1_700_000_100.5))
        let bare = StoredSignal(id: 7, collectionID: UUID(), type: .md5, value: String(repeating: "0f", count: 16),
                                contributors: [UUID()])
        let result = API.MatchResult(results: [
            .init(type: .pdq, value: full.value, matches: [.init(signal: .init(full), distance: 3), .init(signal: .init(bare), distance: 0)]),
            .init(type: .md5, value: bare.value, matches: []),
        ])
        let encoder = HubRequestContext.encoder
        let ours = try JSONSerialization.jsonObject(with: Data(result.json())) as? NSDictionary
        let theirs = try JSONSerialization.jsonObject(with: try encoder.encode(result)) as? NSDictionary
        #expect(ours != nil && ours == theirs)
    }
}
