import CordonDomain
@testable import CordonServices
import CordonStore
import Crypto
import Foundation
import Testing

/// Crypto-shredding of preserved records (review finding F16): sealed with the key of the
/// day their period ends, and unreadable in every copy once the ratchet has moved past it.
@Suite struct RetentionRatchetTests {
    @Test func aMovedRatchetDerivesTheLaterDaysKeysAndNoneOfTheEarlierOnes() throws {
        let ratchet = RetentionRatchet.generate(now: Date(timeIntervalSince1970: 20_000 * 86_400 + 5))
        #expect(try ratchet.firstDay == 20_000 && ratchet.day == "2024-10-04")
        let moved = try ratchet.advanced(to: 20_010)
        #expect(try moved.firstDay == 20_010 && moved.id == ratchet.id)
        for day in [20_010, 20_011, 20_400] {
            #expect(try moved.key(forDay: day) == ratchet.key(forDay: day), "day \(day) is still derivable")
        }
        #expect(try moved.key(forDay: 20_009) == nil && ratchet.key(forDay: 20_009) != nil)
        #expect(try ratchet.key(forDay: 19_999) == nil)
        #expect(try moved.advanced(to: 20_005) == moved, "a ratchet never moves back")
        #expect(try ratchet.key(forDay: 20_001) != ratchet.key(forDay: 20_002))

        var broken = ratchet
        broken.state = "c2hvcnQ="
        #expect(throws: HubKeyError.self) { try broken.validate() }
        broken = ratchet
        broken.day = "yesterday"
        #expect(throws: HubKeyError.self) { try broken.validate() }
    }

    @Test func aKeyFileFromBeforeTheRatchetGetsOneAndARotationKeepsIt() async throws {
        var old = HubKeyring.generate()
        old.retention = nil
        let path = HubKeyringTests.keyFilePath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try HubKeyFile.write(old, to: path)
        #expect(try HubKeyFile.read(path).retention == nil, "files without one still read")
        let w = try await HubServicesTests.world()
        defer { Task { await w.close() } }
        let opened = try await HubKeyFile.open(.file(path: path), store: w.services.store)
        let ratchet = try #require(opened.retention)
        #expect(try HubKeyFile.read(path).retention == ratchet, "written to the file")
        #expect(opened.rotated().retention == ratchet)
        #expect(old.rotated().retention != nil)
    }

    @Test func aPurgedRecordCannotBeOpenedFromACopyAndAHeldOneIsResealed() async throws {
        let clock = AdjustableWallClock()
        let path = HubKeyringTests.keyFilePath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let keys = HubKeyring.generate(now: clock.now())
        try HubKeyFile.write(keys, to: path)
        var configuration = HubConfiguration(clock: clock)
        configuration.keys = keys
        configuration.keyFile = path
        let w = try await HubServicesTests.world(configuration)
        defer { Task { await w.close() } }
        let services = w.services
        let (platform, removed) = try await Self.removals(w)
        let marker = "account-\(UUID().uuidString)"
        let gone = try await services.preserve(try await removed(), .init(contentReference: "store/\(marker)", metadata: ["account": marker],
                                               evidence: Data("frame of \(marker)".utf8).base64EncodedString()), by: platform)
        #expect(gone.contentReference == "store/\(marker)" && gone.metadata == ["account": marker], "answers show the values as given")
        #expect(try await services.evidence(gone.id, by: platform) == Array("frame of \(marker)".utf8))
        let held = try await services.preserve(try await removed(), .init(contentReference: "store/held-\(marker)"), by: platform)

        // What a backup taken now holds: sealed values only.
        let copy = try #require(try await services.store.preservation(gone.id))
        let day = try #require(copy.sealedDay)
        #expect(day == RetentionRatchet.dayNumber(of: gone.keepUntil))
        for stored in [copy.contentReference, copy.metadata, String(decoding: copy.evidence ?? Data(), as: UTF8.self)] {
            #expect(!stored.contains(marker))
        }
        let binding = "preservation \(copy.caseID.uuidString) contentReference"
        let keyFileAsItWas = RetentionKeys(keys.retention, keyFile: nil)
        #expect(try keyFileAsItWas.open(copy.contentReference, day: day, binding: binding) == "store/\(marker)",
                "the copy opens with the key file as it was")

        // A hold moves the held record to the hold's last day; its period's end passes.
        let until = clock.now().addingTimeInterval(300 * 86_400)
        _ = try await services.placeLegalHold(on: held.id, .init(until: ISO8601DateFormatter().string(from: until)), by: platform)
        #expect(try await services.store.preservation(held.id)?.sealedDay == RetentionRatchet.dayNumber(of: until))
        clock.advance(by: 200 * 86_400)
        #expect(try await services.purgeExpiredPreservations() == 1)

        // The key file has forgotten the purged record's day: the copy no longer opens.
        let now = try #require(try HubKeyFile.read(path).retention)
        #expect(try now.firstDay == RetentionRatchet.dayNumber(of: clock.now()) - 1)
        #expect(try now.key(forDay: day) == nil)
        #expect(throws: ServiceError.self) { _ = try services.retention.open(copy.contentReference, day: day, binding: binding) }
        // The held record still opens, here and on a hub started again from the file.
        #expect(try await services.preservations(of: held.caseID, by: platform).first?.contentReference == "store/held-\(marker)")
        configuration.keys = try HubKeyFile.read(path)
        let restarted = try await HubServices(store: services.store, configuration: configuration)
        #expect(try await restarted.preservations(of: held.caseID, by: platform).first?.contentReference == "store/held-\(marker)")
    }

    @Test func theRatchetNeverPassesARecordStillKept() async throws {
        let clock = AdjustableWallClock()
        var configuration = HubConfiguration(clock: clock)
        configuration.keys = .generate(now: clock.now())
        let w = try await HubServicesTests.world(configuration)
        defer { Task { await w.close() } }
        let (platform, removed) = try await Self.removals(w)
        let caseID = try await removed()
        let kept = try await w.services.preserve(caseID, .init(contentReference: "store/1"), by: platform)
        // A record the purge has not reached (its worker was behind, say) keeps its key.
        clock.advance(by: 400 * 86_400)
        try await w.services.forgetRetentionKeys()
        #expect(try await w.services.preservations(of: caseID, by: platform).first?.contentReference == "store/1")
        #expect(w.services.retention.firstDay == RetentionRatchet.dayNumber(of: kept.keepUntil))
    }

    /// A platform, and a way to make a case of it whose content it has removed.
    static func removals(_ w: HubServicesTests.World) async throws -> (Caller, @Sendable () async throws -> UUID) {
        let platform = try await HubServicesTests.member(w, "P", .platform, .contributor)
        let unit = try await HubServicesTests.member(w, "R", .referralUnit, .contributor)
        return (platform, {
            let referral = try await w.services.refer(.init(platform: platform.organisationID, urls: ["https://example.org/v/\(UUID())"],
                                                            statement: "Recruitment video"), by: unit)
            _ = try await w.services.act(on: referral.id, .init(action: "confirm-removal"), by: platform)
            return referral.id
        })
    }
}
