import CordonDomain
@testable import CordonServices
import CordonStore
import Crypto
import Foundation
import Testing

/// The hub's keys outside the database: rotation, the check that replicas share them, and
/// moving an older hub's keys out of its database.
@Suite struct HubKeyringTests {
    static func keyFilePath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cordon-keys-\(UUID()).json").path
    }

    @Test func afterARotationOldEvidenceOpensOldSignaturesVerifyAndNewOnesUseTheNewKeys() async throws {
        let first = HubKeyring.generate()
        var configuration = HubConfiguration()
        configuration.keys = first
        let w = try await HubServicesTests.world(configuration)
        defer { Task { await w.close() } }
        let platform = try await HubServicesTests.member(w, "P", .platform, .contributor)
        let unit = try await HubServicesTests.member(w, "R", .referralUnit, .contributor)
        let referral = try await w.services.refer(.init(platform: platform.organisationID, urls: ["https://example.org/v/1"],
                                                        statement: "Recruitment video"), by: unit)
        _ = try await w.services.act(on: referral.id, .init(action: "confirm-removal"), by: platform)
        let kept = try await w.services.preserve(referral.id, .init(contentReference: "store/1", evidence: Data("clip".utf8).base64EncodedString()),
                                                 by: platform)
        let oldStatement = try w.services.notary.sign(["type": "test"])
        #expect(oldStatement.keyID == first.signing[0].id)

        // The same database opened with the rotated keys, as a replica restarted with the new file.
        configuration.keys = first.rotated()
        let rotated = try await HubServices(store: w.services.store, configuration: configuration)
        #expect(try await rotated.evidence(kept.id, by: platform) == Array("clip".utf8))
        #expect(rotated.notary.publicKey(verifying: oldStatement) == first.publicKeys[0].publicKey)
        let newStatement = try rotated.notary.sign(["type": "test"])
        #expect(newStatement.keyID != oldStatement.keyID && newStatement.keyID == rotated.notary.signingKeyID)
        let listed = try rotated.hubKeys(by: platform).keys
        #expect(listed.map(\.id) == [rotated.notary.signingKeyID, first.signing[0].id])
        #expect(listed[0].retiredAt == nil && listed[1].retiredAt != nil)
        #expect(try rotated.hubKey(by: platform).id == rotated.notary.signingKeyID)
        // New evidence names the new key; the old keys alone cannot open it.
        let sealed = try rotated.notary.seal(Data("new".utf8))
        #expect(sealed.prefix(4) == Data("CDE1".utf8))
        #expect(throws: ServiceError.self) { _ = try w.services.notary.open(sealed) }
        #expect(try rotated.notary.open(sealed) == Data("new".utf8))

        // A replica started with the old file (missing the new key) or someone else's is refused.
        configuration.keys = first
        await #expect(throws: HubKeyError.missingFromFile(ids: Self.newIDs(rotated.notary.keys, first))) {
            _ = try await HubServices(store: w.services.store, configuration: configuration)
        }
        configuration.keys = .generate()
        await #expect(throws: HubKeyError.self) { _ = try await HubServices(store: w.services.store, configuration: configuration) }
    }

    static func newIDs(_ ring: HubKeyring, _ old: HubKeyring) -> [String] {
        Set(ring.signing.map(\.id) + ring.evidence.map(\.id)).subtracting(old.signing.map(\.id) + old.evidence.map(\.id)).sorted()
    }

    @Test func anOlderHubsDatabaseKeysMoveIntoANewKeyFileAndLeaveTheDatabase() async throws {
        let w = try await HubServicesTests.world()
        defer { Task { await w.close() } }
        let store = w.services.store
        // What hubs before key files stored, and evidence sealed without a key id.
        let legacySigning = Curve25519.Signing.PrivateKey()
        let legacyEvidence = SymmetricKey(size: .bits256)
        let evidenceText = legacyEvidence.withUnsafeBytes { Data($0) }.base64EncodedString()
        _ = try await store.setting("receipt-signing-key") { legacySigning.rawRepresentation.base64EncodedString() }
        _ = try await store.setting("evidence-key") { evidenceText }
        let oldSealed = try #require(try AES.GCM.seal(Data("old clip".utf8), using: legacyEvidence).combined)

        // Given as the environment, the hub refuses rather than drop them.
        await #expect(throws: HubKeyError.self) {
            _ = try await HubKeyFile.open(.environment(json: String(decoding: try JSONEncoder().encode(HubKeyring.generate()), as: UTF8.self)), store: store)
        }
        let path = Self.keyFilePath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ring = try await HubKeyFile.open(.file(path: path), store: store)
        #expect(ring.signing.map(\.privateKey) == [legacySigning.rawRepresentation.base64EncodedString()])
        #expect(try await store.setting("receipt-signing-key") == nil)
        #expect(try await store.setting("evidence-key") == nil)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        #expect(try HubKeyFile.read(path) == ring)
        #expect(try HubNotary(keys: ring).open(oldSealed) == Data("old clip".utf8))
        #expect(try HubNotary(keys: ring).publicKey == legacySigning.publicKey.rawRepresentation.base64EncodedString())

        // An existing file keeps its current keys and takes the database's as retired.
        let other = Self.keyFilePath()
        defer { try? FileManager.default.removeItem(atPath: other) }
        try HubKeyFile.write(.generate(), to: other)
        _ = try await store.setting("receipt-signing-key") { legacySigning.rawRepresentation.base64EncodedString() }
        _ = try await store.setting("evidence-key") { evidenceText }
        let merged = try await HubKeyFile.open(.file(path: other), store: store)
        #expect(merged.signing.count == 2 && merged.signing[1].privateKey == legacySigning.rawRepresentation.base64EncodedString())
        #expect(merged.signing[1].retiredAt != nil && merged.signing[0].retiredAt == nil)
        #expect(try HubNotary(keys: merged).open(oldSealed) == Data("old clip".utf8))
    }

    @Test func keyFilesOthersCanReadOrThatCannotSignAreRefused() throws {
        let path = Self.keyFilePath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ring = HubKeyring.generate()
        try HubKeyFile.write(ring, to: path)
        #expect(try HubKeyFile.read(path) == ring)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: HubKeyError.notPrivate(path: path)) { _ = try HubKeyFile.read(path) }
        #expect(throws: HubKeyError.self) { _ = try HubKeyFile.read(path + ".absent") }
        #expect(throws: HubKeyError.self) { _ = try HubKeyFile.parse(Data("{}".utf8)) }
        var twoCurrent = ring
        twoCurrent.signing += HubKeyring.generate().signing
        #expect(throws: HubKeyError.self) { try twoCurrent.validate() }
        var wrongID = ring
        wrongID.evidence[0].id = "0000000000000000"
        #expect(throws: HubKeyError.self) { try wrongID.validate() }
        var short = ring
        short.signing[0].privateKey = Data(count: 16).base64EncodedString()
        #expect(throws: HubKeyError.self) { try short.validate() }
        var twice = ring.rotated()
        twice.signing[0].retiredAt = nil
        #expect(throws: HubKeyError.self) { try twice.validate() }
    }
}
