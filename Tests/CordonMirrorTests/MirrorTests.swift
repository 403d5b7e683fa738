import CordonDomain
import CordonHub
import CordonMirror
import CordonServices
import CordonStore
import CordonTestSupport
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing

/// A mirror following a real hub over loopback HTTP: the first copy, live changes (a new
/// hash, a retraction), matching with the mirror's own key, and matching with the hub gone.
@Suite struct MirrorTests {
    static let logger: Logger = {
        var logger = Logger(label: "mirror-test")
        logger.logLevel = .critical
        return logger
    }()

    /// A hub on SQLite in `folder`, with a platform that owns a collection and a key for the mirror.
    struct UpstreamFixture {
        let hub: Hub
        let platform: Caller
        let collection: UUID
        let mirrorKey: String
    }

    static func upstream(in folder: URL, safeguards: SafeguardRules = .default) async throws -> UpstreamFixture {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let database = try await HubDatabase(.sqlite(path: folder.appendingPathComponent("hub.sqlite").path), logger: logger)
        let hub = try await Hub(store: HubStore(database), configuration: HubConfiguration(safeguards: safeguards))
        let record = try await hub.store.createOrganisation(name: "Small Platform", kind: .platform, by: nil)
        let (key, secret) = try await hub.store.createKey(organisationID: record.id!, role: .admin, label: "mirror", by: nil)
        let platform = Caller(organisationID: record.id!, organisationName: "Small Platform", kind: .platform, keyID: key.id!, role: .admin)
        let collection = try await hub.services.createCollection(
            try API.command(API.NewCollection.self, ["name": "shared", "description": "tcap"]), by: platform)
        // A partner's campaign for incitement: mirrors copy it and offer it beside matches.
        let partner = try await hub.store.createOrganisation(name: "Exit NGO", kind: .partner, by: nil)
        _ = try await hub.services.createCampaign(try API.command(API.CampaignIn.self, [
            "name": "Exit", "goal": "Leave", "audience": "Young men", "message": "There is a way out", "messenger": "Former members",
            "media": "Video", "callToAction": "Call us", "languages": ["de"], "labels": ["categories": ["incitement"]], "helpline": "+49 30 1234",
        ]), by: Caller(organisationID: partner.id!, organisationName: "Exit NGO", kind: .partner, keyID: UUID(), role: .admin))
        return UpstreamFixture(hub: hub, platform: platform, collection: collection.id, mirrorKey: secret)
    }

    static func hashes(_ count: Int, seed: UInt64) -> [SignalSubmission] {
        var random = SplitMix(seed: seed)
        return (0..<count).map { _ in
            SignalSubmission(type: .pdq, value: (0..<4).map { _ in String(format: "%016llx", random.next()) }.joined(),
                             labels: SignalLabels(categories: [.incitement]))
        }
    }

    /// Polls until `condition` holds, for at most `seconds`.
    static func eventually(_ seconds: Double = 10, _ condition: @Sendable () async throws -> Bool) async throws -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    @Test func theCopyFollowsTheHubAndMatchesWithoutIt() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-mirror-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        // One reinstatement quarantines a hash, so the review desk's appeal shows it.
        let up = try await Self.upstream(in: folder.appendingPathComponent("hub"), safeguards: SafeguardRules(quarantineAfter: 1))
        let first = Self.hashes(25_000, seed: 1)
        for part in stride(from: 0, to: first.count, by: 10_000) {
            _ = try await up.hub.services.submit(API.Submission(signals: Array(first[part..<min(part + 10_000, first.count)]), isBulk: true),
                                                 to: up.collection, minimal: true, by: up.platform)
        }
        let hubPort = LoopbackPort.free()
        let hubApp = up.hub.application(host: "127.0.0.1", port: hubPort, logger: Self.logger)
        let hubGroup = ServiceGroup(services: [hubApp], gracefulShutdownSignals: [], logger: Self.logger)
        let hubTask = Task { try await hubGroup.run() }
        try await Task.sleep(for: .milliseconds(300))

        let upstream = UpstreamHub(base: "http://127.0.0.1:\(hubPort)", key: up.mirrorKey)
        let opened: (Mirror, String?)
        let clock = AdjustableWallClock()
        var settings = Mirror.Settings(feedback: ["shared"], automaticRemovals: ["shared=md5"])
        settings.clock = clock
        settings.mediaFolder = folder.appendingPathComponent("mirror/media")
        settings.retention = 30 * 86_400
        do {
            // A first start refused for a bad rule makes no key: the next start shows one.
            let refused = folder.appendingPathComponent("refused")
            await #expect(throws: MirrorError.self) {
                _ = try await Mirror.open(in: refused, upstream: upstream, wanted: [], settings: .init(automaticRemovals: ["nope=md5"]),
                                          logger: Self.logger)
            }
            let (retried, retriedKey) = try await Mirror.open(in: refused, upstream: upstream, wanted: [], logger: Self.logger)
            await retried.hub.store.hub.close()
            #expect(retriedKey != nil, "a refused first start made no key it never showed")
            opened = try await Mirror.open(in: folder.appendingPathComponent("mirror"), upstream: upstream, wanted: [],
                                           settings: settings, logger: Self.logger)
        } catch {
            hubTask.cancel()
            _ = await hubTask.result
            await up.hub.store.hub.close()
            throw error
        }
        let (mirror, localKey) = opened
        do {
            try await Self.follow(up, mirror, localKey, clock: clock, hubGroup: hubGroup, hubTask: hubTask)
        } catch {
            Issue.record(error)
        }
        // The hub's workers stop before its database closes.
        hubTask.cancel()
        _ = await hubTask.result
        await up.hub.store.hub.close()
        await mirror.hub.store.hub.close()
    }

    static func follow(_ up: UpstreamFixture, _ mirror: Mirror, _ localKey: String?, clock: AdjustableWallClock,
                       hubGroup: ServiceGroup, hubTask: Task<Void, any Error>) async throws {
        let first = Self.hashes(25_000, seed: 1)
        let key = try #require(localKey, "the first start makes the local admin key")
        #expect(mirror.collections == [up.collection: "shared"])
        let local = try await mirror.hub.services.caller(secret: key)
        let mirrorPort = LoopbackPort.free()
        let mirrorApp = mirror.application(host: "127.0.0.1", port: mirrorPort, logger: Self.logger)
        let mirrorGroup = ServiceGroup(services: [mirrorApp], gracefulShutdownSignals: [], logger: Self.logger)
        let mirrorTask = Task { try await mirrorGroup.run() }
        defer { mirrorTask.cancel() }

        // The first copy: every hash, under the hub's ids, with the hub's cursor.
        let latest = try await up.hub.services.feed(of: up.collection, since: 0, limit: 1, by: up.platform).changes.first?.cursor ?? 0
        #expect(latest > 0)
        let copied = try await Self.eventually(30) { mirror.hub.matchableCount == first.count }
        #expect(copied, "the mirror holds \(mirror.hub.matchableCount) of \(first.count)")
        let hubPage = try await up.hub.services.browse(up.collection, .init(), limit: 100, by: up.platform).signals
        let mirrorPage = try await mirror.hub.services.browse(up.collection, .init(), limit: 100, by: local).signals
        #expect(hubPage.map(\.id) == mirrorPage.map(\.id) && hubPage.map(\.value) == mirrorPage.map(\.value))
        #expect(hubPage.map(\.labels) == mirrorPage.map(\.labels) && hubPage.map(\.contributors) == mirrorPage.map(\.contributors))

        // Matching with the mirror's own key: a near copy of a shared hash.
        let shared = first[123].value
        let near = String(shared.prefix(63)) + (shared.last == "0" ? "1" : "0")
        let matched = try await mirror.hub.services.match(API.MatchQuery(hashes: [.init(type: .pdq, value: near)]), by: local)
        #expect(matched.results[0].matches.map(\.signal.value) == [shared])

        // Live: a new hash at the hub is matchable at the mirror in moments; a retraction too.
        let added = Self.hashes(1, seed: 99)[0]
        let addedID = try await up.hub.services.submit(API.Submission(signals: [added]), to: up.collection, by: up.platform).results[0].id
        #expect(try await Self.eventually { mirror.hub.matchableCount == first.count + 1 })
        #expect(try await mirror.hub.services.match(API.MatchQuery(hashes: [.init(type: .pdq, value: added.value)]), by: local)
            .results[0].matches.map(\.signal.id) == [addedID])
        _ = try await up.hub.services.retract(addedID, by: up.platform)
        #expect(try await Self.eventually {
            try await mirror.hub.services.match(API.MatchQuery(hashes: [.init(type: .pdq, value: added.value)]), by: local).results[0].matches.isEmpty
        }, "a retraction at the hub stops the match at the mirror")
        let site = LoopbackSite()
        try await site.run { sitePort in
            try await Self.reviewDesk(up, mirror, base: "http://127.0.0.1:\(mirrorPort)", key: key, clock: clock,
                                      receiver: "http://127.0.0.1:\(sitePort)/verdicts", site: site)
        }
        let status = try await mirror.status(by: local)
        #expect(status.collections.map(\.cursor) == [try await up.hub.services.feed(of: up.collection, since: 0, limit: 100_000, by: up.platform).next])

        // The hub goes away: matching goes on.
        await hubGroup.triggerGracefulShutdown()
        _ = await hubTask.result
        // A minute: with every suite running at once on two cores, the shutdown and the
        // follower's notice of it have taken over ten seconds.
        #expect(try await Self.eventually(60) { try await mirror.status(by: local).collections.allSatisfy { !$0.following } })
        #expect(try await mirror.hub.services.match(API.MatchQuery(hashes: [.init(type: .pdq, value: near)]), by: local).results[0].matches.count == 1)
        await mirrorGroup.triggerGracefulShutdown()
        _ = await mirrorTask.result
    }

    /// One JSON call to the mirror.
    static func call(_ method: HTTPMethod, _ url: String, key: String, json: Any? = nil) async throws -> (status: Int, body: [String: Any]) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: Array(try JSONSerialization.data(withJSONObject: json))))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let data = try await response.body.collect(upTo: 1 << 22)
        return (Int(response.status.code), (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView)) as? [String: Any]) ?? [:])
    }
}
