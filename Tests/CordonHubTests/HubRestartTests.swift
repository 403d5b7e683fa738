import CordonDomain
@testable import CordonHub
@testable import CordonServices
import CordonStore
import Foundation
import Testing

/// A hub re-opened on a database holds exactly what the running hub held: start-up reads
/// every signal (on SQLite straight from its rows), live writes come through the change log.
@Suite struct HubRestartTests {
    @Test(arguments: Backend.allCases)
    func reopeningLoadsEverySignalAsTheRunningHubHadIt(_ backend: Backend) async throws {
        let f = try await HubFixture.make(backend)
        let caller = Caller(organisationID: f.alpha, organisationName: "Alpha", kind: .platform, keyID: UUID(), role: .admin)
        let labels = SignalLabels(categories: [.incitement, .threat], behaviours: [.attackerManifesto], entity: "Group X", incident: "2026-11-22")
        let submissions = [
            SignalSubmission(type: .pdq, value: HubAPITests.hashA, item: "video-1", labels: labels, confidence: 0.5),
            SignalSubmission(type: .pdq, value: HubAPITests.hashB),
            SignalSubmission(type: .md5, value: String(repeating: "ab", count: 16), item: "file-2", labels: labels),
            SignalSubmission(type: .sha256, value: String(repeating: "cd", count: 32), confidence: 1),
        ]
        let stored = try await f.store.submit(submissions, to: f.collection, by: caller).results.map(\.signal)
        _ = try await f.store.retract(signalID: stored[1].id, wholly: true, by: caller)
        try await f.hub.services.signalsChanged()

        let reopened = try await Hub(store: f.store)
        #expect(reopened.matchableCount == 3 && f.hub.matchableCount == 3)
        for submission in submissions {
            let live = f.hub.services.catalog.match(type: submission.type, value: submission.value, maxDistance: 0, in: [f.collection])
            let loaded = reopened.services.catalog.match(type: submission.type, value: submission.value, maxDistance: 0, in: [f.collection])
            #expect(live.map(\.signal) == loaded.map(\.signal), "\(submission.type)")
            #expect(loaded.first?.signal.labels == (submission.value == HubAPITests.hashB ? nil : submission.labels))
        }
        let first = try #require(reopened.services.catalog.match(type: .pdq, value: HubAPITests.hashA, maxDistance: 0, in: [f.collection]).first)
        #expect(first.signal.item == "video-1" && first.signal.confidence == 0.5 && first.signal.contributors == [f.alpha])
        #expect(first.signal.createdAt != nil)
        await f.close()
    }

    /// A write's own changes are applied without reading them back only when nothing was
    /// committed between them and the last change applied; otherwise the hub reads the log.
    @Test(arguments: Backend.allCases)
    func changesCommittedInBetweenAreNotSkipped(_ backend: Backend) async throws {
        let f = try await HubFixture.make(backend)
        let caller = Caller(organisationID: f.alpha, organisationName: "Alpha", kind: .platform, keyID: UUID(), role: .admin)
        let first = try await f.store.submit([SignalSubmission(type: .pdq, value: HubAPITests.hashA)], to: f.collection, by: caller)
        let second = try await f.store.submit([SignalSubmission(type: .pdq, value: HubAPITests.hashB)], to: f.collection, by: caller)
        #expect(f.hub.matchableCount == 0)
        try await f.hub.services.signalsChanged(second.changes)
        #expect(f.hub.matchableCount == 2)
        #expect(f.hub.services.follower.cursor == second.changes.last?.cursor)
        let live = f.hub.services.catalog.match(type: .pdq, value: HubAPITests.hashA, maxDistance: 0, in: [f.collection])
        #expect(live.map(\.signal) == first.results.map(\.signal))
        await f.close()
    }

    @Test func keySecretsAreStoredAsTheirSHA256InLowercaseHex() {
        // FIPS 180-2's test vector: databases made before keep their keys.
        #expect(HubStore.hashSecret("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(HubStore.hashSecret("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
