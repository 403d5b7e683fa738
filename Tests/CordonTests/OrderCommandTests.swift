import CordonTestSupport
import Foundation
import Testing

/// `cordon order keygen` and `cordon order sign`, and `cordon admin create-user`, as an
/// authority's and an operator's shell runs them against a real `cordon serve --demo`.
@Suite struct OrderCommandTests {
    @Test func anOrderSignedOfflineIsIssuedAndABadKeyFileIsRefused() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-order-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try ServerProcess(["--demo", "--database", "sqlite:" + folder.appendingPathComponent("hub.sqlite").path])
        defer { server.stop() }
        #expect(server.banner.contains("moderator@demo.cordon") && server.banner.contains("police@demo.cordon"))
        #expect(server.banner.contains("password cordon-demo-2026"))
        let operatorKey = try #require(server.banner.firstMatch(of: /operator key[^\n]*(cdn_[0-9a-f]{64})/).map { String($0.output.1) })
        let organisations = try #require(try await server.call("GET", "/v1/organisations", key: operatorKey).body as? [[String: Any]])
        let authority = try #require(organisations.first { $0["name"] as? String == "Demo Police Authority" }?["id"] as? String)
        let platform = try #require(organisations.first { $0["name"] as? String == "Demo Platform" }?["id"] as? String)
        let authorityKey = try #require(try await server.call("POST", "/v1/organisations/\(authority)/keys", key: operatorKey,
                                                              json: ["role": "admin"]).body as? [String: Any])["secret"] as? String

        let keyFile = folder.appendingPathComponent("order-key.pem").path
        let made = try CordonRunner.run(["order", "keygen", "--out", keyFile])
        #expect(made.status == 0, "\(made.stderr)")
        let publicKey = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Data(base64Encoded: publicKey)?.count == 32)
        #expect(try String(contentsOfFile: keyFile, encoding: .utf8).hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let again = try CordonRunner.run(["order", "keygen", "--out", keyFile])
        #expect(again.status != 0 && again.stderr.contains("exists already"))
        let registered = try #require(try await server.call("POST", "/v1/signing-keys", key: authorityKey,
                                                            json: ["publicKey": publicKey]).body as? [String: Any])
        let keyID = try #require(registered["id"] as? String, "\(registered)")

        let order: [String: Any] = [
            "referenceNumber": "DE-SHELL-1", "issuingAuthority": authority, "platform": platform,
            "urls": ["https://video.example/watch/shell"], "reasons": ["incitement"], "statement": "Glorifies an attack.",
            "legalBasis": "Regulation (EU) 2021/784, Art. 3", "redress": "Appeal within a month.", "issuedAt": "2026-12-01T10:00:00Z",
        ]
        let orderFile = folder.appendingPathComponent("order.json")
        try JSONSerialization.data(withJSONObject: order).write(to: orderFile)
        let signed = try CordonRunner.run(["order", "sign", "--key", keyFile, "--signing-key", keyID, orderFile.path])
        #expect(signed.status == 0, "\(signed.stderr)")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(signed.stdout.utf8)) as? [String: Any])
        let issued = try await server.call("POST", "/v1/orders", key: authorityKey, json: body)
        #expect(issued.status == 201, "\(issued.body ?? "")")
        #expect((issued.body as? [String: Any])?["kind"] as? String == "removal-order")

        // A tampered order no longer verifies; a file that is no key is refused by the command.
        var tampered = body
        var content = try #require(body["order"] as? [String: Any])
        content["referenceNumber"] = "DE-SHELL-2"
        tampered["order"] = content
        #expect(try await server.call("POST", "/v1/orders", key: authorityKey, json: tampered).status == 400)
        let notAKey = folder.appendingPathComponent("not-a-key.pem")
        try Data("aGVsbG8=".utf8).write(to: notAKey)
        let refused = try CordonRunner.run(["order", "sign", "--key", notAKey.path, "--signing-key", keyID, orderFile.path])
        #expect(refused.status != 0 && refused.stderr.contains("not an Ed25519 private key"))
    }

    @Test func createUserReadsThePasswordFromStandardInputAndRefusesAShortOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-user-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = "sqlite:" + folder.appendingPathComponent("hub.sqlite").path
        let made = try CordonRunner.run(["admin", "create-organisation", "--database", database, "--name", "Alpha", "--kind", "platform"])
        let organisation = try #require(made.stdout.firstMatch(of: /[0-9A-F]{8}-[0-9A-F-]{27}/).map { String($0.output) }, "\(made.stdout)")
        let user = try CordonRunner.run(["admin", "create-user", "--database", database, "--organisation", organisation, "--name", "Ana",
                                         "--email", "Ana@Alpha.test", "--role", "admin", "--second-factor"], input: "long enough secret\n")
        #expect(user.status == 0, "\(user.stderr)")
        #expect(user.stdout.contains("TOTP secret (shown once): "))
        let short = try CordonRunner.run(["admin", "create-user", "--database", database, "--organisation", organisation, "--name", "Bo",
                                          "--email", "bo@alpha.test", "--role", "admin"], input: "short\n")
        #expect(short.status != 0 && short.stderr.contains("password: a password needs at least 10 characters"))
        let twice = try CordonRunner.run(["admin", "create-user", "--database", database, "--organisation", organisation, "--name", "Ana",
                                          "--email", "ana@alpha.test", "--role", "admin"], input: "long enough secret\n")
        #expect(twice.status != 0 && twice.stderr.contains("exists already"))
    }
}
