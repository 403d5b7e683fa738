import CordonDomain
@testable import CordonHub
@testable import CordonServices
import CordonStore
import Foundation
import Testing

/// The match and submission answers are written by hand (``JSONText``); each must be the
/// document the hub's `JSONEncoder` writes for the same value, escapes and absent fields
/// included.
@Suite struct HandWrittenResponseTests {
    static let full = StoredSignal(
        id: 42, collectionID: UUID(), type: .pdq, value: String(repeating: "ab", count: 32),
        item: "quote \" backslash \\ slash / newline \n tab \t bell \u{7} é 🕊",
        labels: SignalLabels(categories: [.incitement, .threat], behaviours: [.attackerManifesto],
                             entity: "Group \"X\"", incident: "2026-11-22"),
        confidence: 0.75, status: .disputed, contributors: [UUID(), UUID()],
        createdAt: Date(timeIntervalSince1970: 1_700_000_000.123), updatedAt: Date(timeIntervalSince1970: 1_700_000_100.5))
    static let bare = StoredSignal(id: 7, collectionID: UUID(), type: .md5, value: String(repeating: "0f", count: 16),
                                   contributors: [UUID()])

    static func sameDocument(_ ours: [UInt8], _ value: some Encodable) throws -> Bool {
        let theirs = try JSONSerialization.jsonObject(with: try HubRequestContext.encoder.encode(value)) as? NSDictionary
        return try theirs != nil && JSONSerialization.jsonObject(with: Data(ours)) as? NSDictionary == theirs
    }

    @Test func handWrittenMatchJSONEqualsTheEncoders() throws {
        let (full, bare) = (Self.full, Self.bare)
        let result = API.MatchResult(results: [
            .init(type: .pdq, value: full.value, matches: [.init(signal: .init(full), distance: 3), .init(signal: .init(bare), distance: 0)]),
            .init(type: .md5, value: bare.value, matches: []),
        ])
        #expect(try Self.sameDocument(result.json(), result))
    }

    @Test func handWrittenSubmissionJSONEqualsTheEncoders() throws {
        let full = API.SubmissionResult(results: [
            .init(outcome: .created, id: Self.full.id, signal: .init(Self.full)),
            .init(outcome: .sourceAdded, id: Self.bare.id, signal: .init(Self.bare)),
        ])
        let minimal = API.SubmissionResult(results: [.init(outcome: .unchanged, id: 1, signal: nil), .init(outcome: .created, id: 2, signal: nil)])
        #expect(try Self.sameDocument(full.json(), full))
        #expect(try Self.sameDocument(minimal.json(), minimal))
        #expect(try Self.sameDocument(API.SubmissionResult(results: []).json(), API.SubmissionResult(results: [])))
    }
}
