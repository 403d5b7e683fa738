import CordonDomain
@testable import CordonServices
import CordonStore
import Foundation
import Testing

/// Browsing a collection as the pages do: filters, pages, figures and a signal's history.
@Suite struct BrowseTests {
    @Test func filtersPagesCountsAndHistoryFollowTheStore() async throws {
        let w = try await HubServicesTests.world()
        defer { Task { await w.close() } }
        let owner = try await HubServicesTests.member(w, "Owner", .platform)
        let other = try await HubServicesTests.member(w, "Other", .platform)
        let collection = try await w.services.createCollection(.init(name: "c", description: ""), by: owner)
        var signals: [SignalSubmission] = []
        for i in 0..<5 {
            let byte = String(format: "%02x", i + 1)
            let type: SignalType = i < 3 ? .pdq : .md5
            let category: ContentCategory = i % 2 == 0 ? .incitement : .instruction
            signals.append(SignalSubmission(type: type, value: String(repeating: byte, count: type == .pdq ? 32 : 16),
                                            labels: SignalLabels(categories: [category])))
        }
        let ids = try await w.services.submit(API.Submission(signals: signals, isBulk: true), to: collection.id, by: owner).results.map(\.id)
        #expect(w.services.signalCounts(by: owner)[collection.id] == [.pdq: 3, .md5: 2])
        #expect(w.services.signalCounts(by: other)[collection.id] == nil, "a collection the caller cannot read is not counted")

        let first = try await w.services.browse(collection.id, .init(), limit: 2, by: owner)
        #expect(first.signals.map(\.id) == [ids[4], ids[3]])
        let second = try await w.services.browse(collection.id, .init(before: first.next), limit: 2, by: owner)
        #expect(second.signals.map(\.id) == [ids[2], ids[1]])
        let pdq = try await w.services.browse(collection.id, .init(type: .pdq, label: "incitement"), limit: 10, by: owner)
        #expect(pdq.signals.map(\.id) == [ids[2], ids[0]] && pdq.next == nil)
        let byOther = try await w.services.browse(collection.id, .init(contributor: other.organisationID), limit: 10, by: owner)
        #expect(byOther.signals.isEmpty)
        await #expect(throws: ServiceError.self) { _ = try await w.services.browse(collection.id, .init(), limit: 10, by: other) }
        await #expect(throws: ServiceError.self) { _ = try await w.services.browse(collection.id, .init(), limit: 0, by: owner) }

        _ = try await w.services.retract(ids[0], by: owner)
        #expect(w.services.signalCounts(by: owner)[collection.id] == [.pdq: 2, .md5: 2], "a retracted signal no longer counts")
        #expect(try await w.services.history(of: ids[0], by: owner).map(\.kind) == ["added", "retracted"])
    }
}
