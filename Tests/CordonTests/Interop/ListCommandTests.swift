import CordonTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension RealProcessTests {
    /// `cordon import`, `cordon export` and `cordon dsa`, run as a shell user runs them,
    /// against a `cordon serve` process; the exported list read by the real pytx CLI, and
    /// statements submitted to a loopback server that enforces the database's rules.
    @Suite(.serialized) struct ListCommandTests {
        static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

        @Test func importIsIdempotentAndReportsRefusalsAndExportFeedsPytxsLocalFile() async throws {
            let hub = try await InteropHub.start()
            defer { hub.stop() }
            let pdqs = (0..<3).map { _ in InteropHub.randomHex() }
            let list = hub.folder.appendingPathComponent("list.txt")
            try (pdqs.map { "pdq \($0)" } + ["video_md5 0CC175B9C0F1B6A831C399E269772661", "pdq nothex", "photodna abcd", ""])
                .joined(separator: "\n").write(to: list, atomically: true, encoding: .utf8)
            func cordon(_ arguments: String..., key: String? = nil) throws -> CordonRunner.Output {
                try CordonRunner.run(Array(arguments) + ["--hub", hub.base, "--key", key ?? hub.adminKey])
            }
            let first = try cordon("import", "--collection", hub.collection, "--format", "pytx-file", list.path)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("added 4, merged 0"), "\(first.stdout)")
            #expect(first.stdout.contains("refused 2"))
            #expect(first.stderr.contains("list.txt:5: a pdq value is 64 hex digits"), "\(first.stderr)")
            #expect(first.stderr.contains("list.txt:6: unknown signal type 'photodna'"))
            let again = try cordon("import", "--collection", hub.collection, "--format", "pytx-file", list.path)
            #expect(again.stdout.contains("added 0, merged 4 (already there: 4 unchanged"), "\(again.stdout)")
            let beta = try cordon("import", "--collection", hub.collection, "--format", "pytx-file", list.path, key: hub.betaKey)
            #expect(beta.stdout.contains("added 0, merged 4 (already there: 0 unchanged, 4 gained"), "\(beta.stdout)")

            let csv = try cordon("export", "--collection", hub.collection, "--format", "csv")
            #expect(csv.status == 0 && csv.lines.count == 5 && csv.lines[0].hasPrefix("type,value,categories"))
            #expect(csv.stdout.contains("md5,0cc175b9c0f1b6a831c399e269772661"), "normalised on the way in")
            let exported = hub.folder.appendingPathComponent("cordon.txt")
            let file = try cordon("export", "--collection", hub.collection, "--format", "pytx-file", "-o", exported.path)
            #expect(file.status == 0 && file.stderr.contains("wrote 4 hashes"))

            // The real pytx CLI reads the export as a local_file collab.
            let venv = try PythonVenv.with(RealProcessTests.ThreatExchangeClientTests.packages)
            let environment = ["TX_STATEDIR": hub.folder.appendingPathComponent("txstate").path]
            let tx = venv.tool("threatexchange")
            #expect(try PythonVenv.capture(tx, ["config", "collab", "edit", "local_file", "CORDON_FILE", "--create", "--filename", exported.path],
                                           environment: environment).status == 0)
            #expect(try PythonVenv.capture(tx, ["fetch"], environment: environment).status == 0)
            let match = try PythonVenv.capture(tx, ["match", "--hashes", "photo", "--", pdqs[1]], environment: environment)
            #expect(match.output.contains("pdq 0 (CORDON_FILE)"), "\(match.output)\(match.errors)")

            // Bad input: a clear message on stderr and a failing exit status, nothing stored.
            let wrongFormat = try cordon("import", "--collection", hub.collection, "--format", "xml", list.path)
            #expect(wrongFormat.status != 0 && wrongFormat.stderr.contains("format"))
            let missing = try cordon("import", "--collection", hub.collection, "--format", "csv", "/no/such/file.csv")
            #expect(missing.status != 0 && missing.stderr.contains("cannot read /no/such/file.csv"))
            let notCSV = try cordon("import", "--collection", hub.collection, "--format", "csv", list.path)
            #expect(notCSV.status != 0 && notCSV.stderr.contains("must name its columns"))
            let stranger = try cordon("import", "--collection", UUID().uuidString, "--format", "pytx-file", list.path)
            #expect(stranger.status != 0 && stranger.stderr.contains("HTTP 404"), "\(stranger.stderr)")
            #expect(try cordon("export", "--collection", hub.collection, "--format", "csv").lines.count == 5)
        }

        @Test func statementsOfReasonsReachTheDatabaseOnceAndInItsSchema() async throws {
            let hub = try await InteropHub.start()
            defer { hub.stop() }
            let server = hub.server
            let operatorKey = hub.operatorKey
            func issuer(_ name: String, _ kind: String) async throws -> String {
                let organisation = try await server.call("POST", "/v1/organisations", key: operatorKey, json: ["name": name, "kind": kind])
                let id = try #require((organisation.body as? [String: Any])?["id"] as? String)
                let key = try await server.call("POST", "/v1/organisations/\(id)/keys", key: operatorKey, json: ["role": "admin"])
                return try #require((key.body as? [String: Any])?["secret"] as? String)
            }
            let unit = try await issuer("IRU", "referral-unit"), flagger = try await issuer("Flagger", "trusted-flagger")
            let me = try await server.call("GET", "/v1/me", key: hub.adminKey).body as? [String: Any]
            let platform = try #require((me?["organisation"] as? [String: Any])?["id"] as? String)
            var cases: [String] = []
            for (key, path, removal) in [(unit, "a", "removed"), (flagger, "b", "disabled"), (unit, "c", nil)] {
                let referral = try await server.call("POST", "/v1/referrals", key: key, json: [
                    "platform": platform, "urls": ["https://example.org/\(path)"], "statement": "Attack propaganda", "categories": ["incitement"],
                    "hashes": [["type": "pdq", "value": InteropHub.randomHex()]]])
                let id = try #require((referral.body as? [String: Any])?["id"] as? String, "\(referral)")
                cases.append(id)
                let action: [String: Any] = removal.map { ["action": "confirm-removal", "removal": $0] } ?? ["action": "refuse", "reason": "lawful reporting"]
                #expect(try await server.call("POST", "/v1/cases/\(id)/actions", key: hub.adminKey, json: action).status == 200)
            }

            let exported = try CordonRunner.run(["dsa", "export", "--hub", hub.base, "--key", hub.adminKey])
            #expect(exported.status == 0, "\(exported.stderr)")
            let statements = try #require((try JSONSerialization.jsonObject(with: Data(exported.stdout.utf8)) as? [String: Any])?["statements"] as? [[String: Any]])
            #expect(statements.count == 2, "the refused referral restricted nothing")
            let byPUID = Dictionary(uniqueKeysWithValues: statements.map { ($0["puid"] as! String, $0) })
            let unitStatement = try #require(byPUID["cordon-case-\(cases[0].lowercased())"])
            #expect(unitStatement["source_type"] as? String == "SOURCE_TYPE_OTHER_NOTIFICATION")
            #expect(unitStatement["decision_visibility"] as? [String] == ["DECISION_VISIBILITY_CONTENT_REMOVED"])
            #expect(unitStatement["decision_ground"] as? String == "DECISION_GROUND_INCOMPATIBLE_CONTENT")
            #expect(unitStatement["category"] as? String == "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY")
            #expect(unitStatement["category_specification"] as? [String] == ["KEYWORD_TERRORIST_CONTENT"])
            #expect(unitStatement["content_type"] as? [String] == ["CONTENT_TYPE_IMAGE"])
            #expect(unitStatement["automated_detection"] as? String == "No")
            let flaggerStatement = try #require(byPUID["cordon-case-\(cases[1].lowercased())"])
            #expect(flaggerStatement["source_type"] as? String == "SOURCE_TRUSTED_FLAGGER")
            #expect(flaggerStatement["decision_visibility"] as? [String] == ["DECISION_VISIBILITY_CONTENT_DISABLED"])
            #expect(!exported.stdout.contains("example.org"), "no URL, name or other personal data leaves in a statement")

            let database = try DSADatabase.start(folder: hub.folder, token: "1|dsa-token", failFirst: 2)
            defer { database.stop() }
            func submit(_ token: String = "1|dsa-token") throws -> CordonRunner.Output {
                try CordonRunner.run(["dsa", "submit", "--hub", hub.base, "--key", hub.adminKey, "--dsa-url", database.base, "--dsa-token", token])
            }
            let first = try submit()
            #expect(first.status == 0 && first.stdout.contains("submitted 2, already in the database 0, refused 0"), "\(first.stdout)\(first.stderr)")
            #expect(try await database.stored().count == 2)
            let second = try submit()
            #expect(second.status == 0 && second.stdout.contains("submitted 0, already in the database 2"), "\(second.stdout)\(second.stderr)")
            #expect(try await database.stored().count == 2)
            // More than one call's worth: the database takes at most 100 a call.
            for index in 0..<101 {
                let referral = try await server.call("POST", "/v1/referrals", key: unit, json: [
                    "platform": platform, "urls": ["https://example.org/batch/\(index)"], "statement": "Attack propaganda"])
                let id = try #require((referral.body as? [String: Any])?["id"] as? String, "\(referral)")
                #expect(try await server.call("POST", "/v1/cases/\(id)/actions", key: hub.adminKey, json: ["action": "confirm-removal"]).status == 200)
            }
            let batches = try submit()
            #expect(batches.status == 0 && batches.stdout.contains("submitted 101, already in the database 2"), "\(batches.stdout)\(batches.stderr)")
            #expect(try await database.stored().count == 103)
            let badToken = try submit("wrong")
            #expect(badToken.status != 0 && badToken.stderr.contains("refused the token (HTTP 401)"))
            let authority = try CordonRunner.run(["dsa", "export", "--hub", hub.base, "--key", unit])
            #expect(authority.status != 0 && authority.stderr.contains("HTTP 403"), "a referral unit takes no removal decisions")
        }
    }
}

/// `dsa_database.py` in the toolchain's Python, on a free loopback port.
struct DSADatabase {
    let process: Process
    let base: String

    static func start(folder: URL, token: String, failFirst: Int) throws -> DSADatabase {
        let portFile = folder.appendingPathComponent("dsa-port")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", RealProcessTests.ListCommandTests.folder.appendingPathComponent("dsa_database.py").path, portFile.path, token,
                             "--fail-first", String(failFirst)]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
                return DSADatabase(process: process, base: "http://127.0.0.1:\(port)")
            }
            usleep(50_000)
        }
        kill(process.processIdentifier, SIGKILL)
        throw PythonVenvError(message: "the stand-in DSA database did not start")
    }

    func stored() async throws -> [String] {
        let (data, _) = try await URLSession.shared.data(from: URL(string: base + "/stored")!)
        return (try JSONSerialization.jsonObject(with: data) as? [String: [String]])?["puids"] ?? []
    }

    /// SIGKILL: the test runner leaves SIGTERM ignored in its children.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
