import CordonDomain
import CordonHub
import CordonMirror
import CordonServices
import CordonStore
import CordonTestSupport
import Foundation
import ServiceLifecycle
import Testing

/// A mirror's first copy over loopback HTTP from a real hub: the hub's signals as they are,
/// page by page (`GET /v1/feed/snapshot`), while the hub goes on changing; then the feed
/// from the cursor the copy was taken at.
@Suite struct FirstCopyTests {
    @Test func aFirstCopyTakenWhileTheHubChangesEndsEqualToItAndRepeatsNothing() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-first-copy-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let up = try await MirrorTests.upstream(in: folder.appendingPathComponent("hub"))
        let shared = MirrorTests.hashes(2_500, seed: 7)
        _ = try await up.hub.services.submit(API.Submission(signals: shared, isBulk: true), to: up.collection, minimal: true, by: up.platform)
        let hubPort = LoopbackPort.free()
        let hubGroup = ServiceGroup(services: [up.hub.application(host: "127.0.0.1", port: hubPort, logger: MirrorTests.logger)],
                                    gracefulShutdownSignals: [], logger: MirrorTests.logger)
        let hubTask = Task { try await hubGroup.run() }
        let upstream = UpstreamHub(base: "http://127.0.0.1:\(hubPort)", key: up.mirrorKey)
        #expect(try await MirrorTests.eventually { (try? await upstream.collections()) != nil })
        let (mirror, localKey) = try await Mirror.open(in: folder.appendingPathComponent("mirror"), upstream: upstream, wanted: [],
                                                       logger: MirrorTests.logger)
        do {
            try await copy(up, upstream, mirror, try #require(localKey), shared)
        } catch {
            Issue.record(error)
        }
        await hubGroup.triggerGracefulShutdown()
        _ = await hubTask.result
        await mirror.hub.store.hub.close()
        await up.hub.store.hub.close()
    }

    private func copy(_ up: MirrorTests.UpstreamFixture, _ upstream: UpstreamHub, _ mirror: Mirror, _ localKey: String,
                      _ shared: [SignalSubmission]) async throws {
        let services = mirror.hub.services
        #expect(try await services.upstreamPositions()[up.collection] == .init(cursor: 0, snapshotAfter: 0),
                "a collection adopted, not yet copied, has a first copy to take")
        // An upload kept before the copy: the copy's signals are searched against it.
        let local = try await services.caller(secret: localKey)
        let near = String(shared[2_222].value.dropLast(2)) + (shared[2_222].value.hasSuffix("00") ? "ff" : "00")
        let kept = try await mirror.desk.record(UploadIn(contentID: "before-the-copy", hashes: [.init(type: .pdq, value: near)]), by: local)
        #expect(kept.case == nil)

        let hubCursor = try await up.hub.store.latestChange()
        let first = try await upstream.snapshot(of: up.collection, after: 0, limit: 1_000)
        #expect(first.signals.count == 1_000 && !first.complete && first.asOf == hubCursor && first.next == first.signals.last?.id)
        try await mirror.desk.apply(first, after: 0, in: up.collection)
        // The same page again (a crash between commit and acknowledgement), and a page that
        // does not start where the copy stands: neither changes anything.
        try await mirror.desk.apply(first, after: 0, in: up.collection)
        #expect(try await !services.applyUpstreamSnapshot(first, after: first.next + 5, in: up.collection))
        #expect(try await services.upstreamSignalCount(in: up.collection) == 1_000)
        // Giving up on the copy (for a hub without snapshots) is only for one not begun.
        try await services.abandonUpstreamSnapshot(of: up.collection)
        #expect(try await services.upstreamPositions()[up.collection]?.snapshotAfter == first.next)
        #expect(mirror.hub.matchableCount == 1_000)

        // The hub moves on mid-copy: a copied signal and one not yet copied are retracted, a hash is added.
        let copiedID = first.signals[10].id
        let uncopiedID = try #require(try await up.hub.store.signalSnapshot(of: up.collection, after: first.next + 700, limit: 1).signals.first?.id)
        _ = try await up.hub.services.retract(copiedID, by: up.platform)
        _ = try await up.hub.services.retract(uncopiedID, by: up.platform)
        _ = try await up.hub.services.submit(API.Submission(signals: MirrorTests.hashes(1, seed: 99)), to: up.collection, by: up.platform)

        var page = first
        while !page.complete {
            let after = page.next
            page = try await upstream.snapshot(of: up.collection, after: after, limit: 1_000)
            #expect(page.asOf > first.asOf, "later pages are read after the hub's changes")
            try await mirror.desk.apply(page, after: after, in: up.collection)
        }
        let position = try #require(try await services.upstreamPositions()[up.collection])
        #expect(position == .init(cursor: first.asOf, snapshotAfter: nil, snapshotAsOf: first.asOf),
                "the feed is followed from the first page's cursor, not a later one's")
        #expect(try await services.upstreamChangeCount(in: up.collection) == 0, "a first copy's signals are not changes")
        let retro = try #require(try await services.store.reviewCase(forUpload: kept.upload.id), "the copy met the upload kept before it")
        #expect(retro.origin == "retro")

        // The feed after the copy: the three changes, once each; then both sides agree.
        let feed = try await upstream.feed(of: up.collection, since: position.cursor, limit: 100)
        #expect(feed.changes.count == 3)
        try await mirror.desk.apply(feed.changes, in: up.collection)
        try await mirror.desk.apply(feed.changes, in: up.collection)
        #expect(try await services.upstreamChangeCount(in: up.collection) == 3)
        let there = try await up.hub.store.signalSnapshot(of: up.collection, after: 0, limit: 10_000).signals
        let here = try await mirror.hub.store.signalSnapshot(of: up.collection, after: 0, limit: 10_000).signals
        #expect(there.count == 2_501 && here.count == there.count)
        #expect(retro.matches.map(\.signalID) == there.filter { $0.value == shared[2_222].value }.map(\.id))
        for (a, b) in zip(there, here) {
            #expect(a.id == b.id && a.value == b.value && a.status == b.status && a.labels == b.labels && a.contributors == b.contributors,
                    "signal \(a.id)")
        }
        #expect(mirror.hub.matchableCount == 2_499)
    }
}
