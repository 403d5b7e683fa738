import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import CordonTestSupport
import Crypto
import Foundation
import PDQ
import Testing

/// The pages in a real browser: Debian's headless Chromium over WebDriver, against a hub
/// served on loopback. Each test saves screenshots of the pages it visits in
/// `.build/screenshots/` (not committed).
@Suite(.serialized) struct BrowserTests {
    static let screenshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/screenshots")

    /// Runs `body` with a fresh hub and a fresh browser; records why when no browser is installed.
    func withBrowser(clock: any WallClock = SystemWallClock(), review: Bool = false,
                     _ body: @Sendable (PageFixture, String, WebDriver) async throws -> Void) async throws {
        guard WebDriver.available else {
            Issue.record("chromium and chromium-driver are missing: ./scripts/install-deps.sh installs them")
            return
        }
        let f = try await PageFixture.make(clock: clock, review: review)
        try await f.withServer { base, _ in
            let driver = try await WebDriver.start()
            do {
                try await body(f, base, driver)
            } catch {
                try? await driver.screenshot(to: Self.screenshots.appendingPathComponent("failure.png"))
                FileHandle.standardError.write(Data("page at failure: \((try? await driver.currentURL()) ?? "?")\n".utf8))
                await driver.quit()
                throw error
            }
            await driver.quit()
        }
    }

    func signIn(_ driver: WebDriver, _ base: String, _ email: String, landing: String = "/") async throws {
        try await driver.go(base + "/login")
        try await driver.find("#email").type(email)
        try await driver.find("#password").type(PageFixture.password)
        try await driver.find("#login button[type=submit]").click()
        try await driver.wait("the first page after signing in") { try await driver.currentURL() == base + landing }
    }

    func shoot(_ driver: WebDriver, _ name: String) async throws {
        try await driver.screenshot(to: Self.screenshots.appendingPathComponent("\(name).png"))
    }

    @Test func shareAnUploadFindItAndMatchARecodedCopyBehindABlur() async throws {
        try await withBrowser { f, base, driver in
            let folder = f.folder
            let rgb = TestImages.rgb(width: 320, height: 240, seed: 5)
            let original = folder.appendingPathComponent("original.png"), copy = folder.appendingPathComponent("copy.jpg")
            try Data(PNGWriter.rgb(width: 320, height: 240, pixels: rgb)).write(to: original)
            try Data(JPEGWriter.jpeg(width: 320, height: 240, channels: 3, pixels: rgb, quality: 60)).write(to: copy)

            try await signIn(driver, base, PageFixture.emails.moderator)
            try await shoot(driver, "overview")
            try await driver.go(base + "/lists/\(f.collection)")
            #expect(try await driver.findAll("#no-signals").count == 1)
            try await driver.find("#u-file").type(original.path)
            try await driver.find("#upload button[type=submit]").click()
            try await driver.wait("the shared notice") { try await driver.text(".notice").hasPrefix("Shared: 1 ") }
            let stored = try #require(try await f.services.browse(f.collection, .init(), limit: 10, by: f.platform).signals.first)
            #expect(stored.type == .pdq)
            // Find it: the list shows it, and its page shows the hash.
            try await driver.go(base + "/lists/\(f.collection)?type=pdq")
            #expect(try await driver.findAll("#signals tbody tr").count == 1)
            try await shoot(driver, "hash-list")
            try await driver.find("#signals tbody tr a").click()
            try await driver.wait("the signal's page") { try await driver.text("#signal-value") == stored.value }
            try await shoot(driver, "signal")

            try await driver.go(base + "/match")
            try await driver.find("#m-file").type(copy.path)
            try await driver.find("#match-upload button[type=submit]").click()
            try await driver.wait("the matches") { try await driver.findAll("#matches tbody tr").count == 1 }
            let distance = try #require(Int(try await driver.text("#matches .distance")))
            #expect(distance <= 31)
            let preview = try await driver.find("#preview")
            #expect(try await driver.run("return getComputedStyle(document.getElementById('preview')).filter") as? String ?? "" != "none")
            #expect(try await driver.text("#preview-warning").contains("violent or terrorist content"))
            try await shoot(driver, "match")
            try await preview.click()
            try await driver.wait("the revealed preview") { try await preview.attribute("class")?.contains("revealed") == true }
            try await driver.wait("the preview unblurred") {
                try await driver.run("return getComputedStyle(document.getElementById('preview')).filter") as? String == "none"
            }
            try await driver.wait("the blur to come back", timeout: .seconds(15)) {
                try await preview.attribute("class")?.contains("revealed") == false
            }
        }
    }

    @Test func aLargeCSVImportShowsItsProgressAndStoresEveryLine() async throws {
        try await withBrowser { f, base, driver in
            // 25,000 distinct PDQ hashes: 25 chunks of a thousand.
            var csv = "type,value,category,entity\n"
            for i in 0..<25_000 { csv += "pdq," + String(format: "%064x", 0x1234_5678 &* (i + 1)) + ",incitement,Group \(i % 7)\n" }
            let file = f.folder.appendingPathComponent("hashes.csv")
            try Data(csv.utf8).write(to: file)
            try await signIn(driver, base, PageFixture.emails.moderator)
            try await driver.go(base + "/lists/\(f.collection)")
            try await driver.find("#b-file").type(file.path)
            try await driver.find("#bulk button[type=submit]").click()
            try await driver.wait("the import's page") { try await driver.currentURL().contains("/imports/") }
            try await driver.wait("the import to finish", timeout: .seconds(60)) {
                try await driver.findAll("#import-live [data-finished]").count == 1
            }
            #expect(try await driver.text("#import-count") == "25000 of 25000")
            #expect(try await driver.text("#import-outcomes") == "25000 created.")
            try await shoot(driver, "import")
            #expect(f.services.signalCounts(by: f.platform)[f.collection]?[.pdq] == 25_000)
        }
    }

    @Test func anOrderAppearsLiveInTheInboxWithItsClockAndTheAuthoritySeesTheRemoval() async throws {
        try await withBrowser { f, base, driver in
            try await signIn(driver, base, PageFixture.emails.moderator)
            try await driver.go(base + "/desk")
            #expect(try await driver.findAll("#no-cases").count == 1)
            // The authority signs and issues an order while the inbox is open.
            let signer = Curve25519.Signing.PrivateKey()
            let key = try await f.services.registerSigningKey(
                try API.command(API.SigningKeyIn.self, ["publicKey": signer.publicKey.rawRepresentation.base64EncodedString()]), by: f.authority)
            let order = RemovalOrderContent(
                referenceNumber: "DE-2026-77", issuingAuthority: f.authority.organisationID, platform: f.platform.organisationID,
                urls: ["https://video.example/watch/77"], reasons: [.incitement], statement: "Glorifies an attack.",
                legalBasis: "Regulation (EU) 2021/784, Art. 3", redress: "Appeal within a month.", issuedAt: HubStore.iso(Date()))
            let issued = try await f.services.issue(try API.command(API.NewOrder.self, [
                "order": try JSONSerialization.jsonObject(with: Data(order.canonicalBytes)), "signingKey": key.id.uuidString,
                "signature": try signer.signature(for: order.canonicalBytes).base64EncodedString(),
            ]), by: f.authority)
            let row = "#cases tr[data-case='\(issued.id.uuidString)']"
            try await driver.wait("the order to appear without reloading") { try await driver.findAll(row).count == 1 }
            let first = try await driver.text("\(row) .clock")
            try await driver.wait("the clock to tick", timeout: .seconds(5)) { try await driver.text("\(row) .clock") != first }
            #expect(try await driver.text("\(row) .clock").split(separator: ":").count == 3)
            try await shoot(driver, "desk")
            try await driver.find("\(row) a").click()
            try await driver.wait("the case page") { try await driver.findAll("#confirm-removal").count == 1 }
            #expect(try await driver.text("#order-json").contains("DE-2026-77"))
            try await driver.find("#confirm-removal button").click()
            try await driver.wait("the removed state") { try await driver.text("#case-state") == "removed" }
            try await shoot(driver, "case")
            #expect(try await f.services.case(issued.id, by: f.authority).state == .removed)
            // The authority's officer sees it removed on their own page.
            try await driver.find("#sign-out").click()
            try await driver.wait("the sign-in page") { try await driver.currentURL().hasSuffix("/login") }
            try await signIn(driver, base, PageFixture.emails.officer)
            try await driver.go(base + "/desk")
            try await driver.wait("the issued case") { try await driver.text("\(row) .state") == "removed" }
        }
    }

    @Test func aCrisisMemberSeesAnothersContributionLive() async throws {
        try await withBrowser { f, base, driver in
            let incident = try await f.services.propose(try API.command(API.NewIncident.self, [
                "title": "Attack in Exampletown", "summary": "Livestreamed.", "location": "Exampletown",
                "occurredAt": HubStore.iso(Date().addingTimeInterval(-600)), "contentSeen": "perpetrator video",
                "criteria": ["ongoingOrRecentAttack": true, "perpetratorProducedViolentContent": true, "presentOnMemberPlatforms": true],
            ]), by: f.unit)
            for member in [f.platform, f.unit] {
                _ = try await f.services.vote(on: incident.id, try API.command(API.VoteIn.self, ["decision": "activate"]), by: member)
            }
            try await signIn(driver, base, PageFixture.emails.moderator)
            try await driver.go(base + "/crisis/\(incident.id)")
            try await driver.wait("the active incident") { try await driver.text("#incident-state") == "active" }
            _ = try await f.services.shareURL(try API.command(API.SharedURLIn.self, ["url": "https://video.example/live/1", "note": "mirror"]),
                                              in: incident.id, by: f.unit)
            try await driver.wait("the unit's URL to appear without reloading") {
                try await driver.text("#incident-urls").contains("https://video.example/live/1")
            }
            // And the moderator's own note goes into the timeline through the form.
            try await driver.find("#n-note").type("Removed 40 copies so far.")
            try await driver.find("#note button[type=submit]").click()
            try await driver.wait("the note in the timeline") { try await driver.text("#incident-timeline").contains("Removed 40 copies") }
            try await shoot(driver, "incident")
        }
    }

    @Test func hostileTextIsInertAConsumerHasNoAdministrationAndAFormWithoutItsTokenIsRefused() async throws {
        try await withBrowser { f, base, driver in
            let hostile = "\"><img src=x onerror=\"document.title='owned'\"><script>document.title='owned'</script>"
            let collection = try await f.services.createCollection(
                try API.command(API.NewCollection.self, ["name": "hostile" + hostile, "description": hostile]), by: f.platform)
            _ = try await f.services.submit(API.Submission(signals: [SignalSubmission(
                type: .pdq, value: String(repeating: "5a", count: 32), labels: SignalLabels(entity: hostile))], isBulk: false),
                to: collection.id, by: f.platform)
            try await signIn(driver, base, PageFixture.emails.moderator)
            for path in ["/", "/lists", "/lists/\(collection.id)"] {
                try await driver.go(base + path)
                #expect(try await driver.title() != "owned", "\(path)")
                #expect(try await driver.run("return document.querySelectorAll('img[src=x], main script').length") as? Int == 0, "\(path)")
            }
            // A form whose token was taken out is refused, and nothing is made.
            try await driver.go(base + "/lists")
            _ = try await driver.run("document.querySelector('#new-collection input[name=_csrf]').remove()")
            try await driver.find("#c-name").type("without-token")
            try await driver.find("#new-collection button[type=submit]").click()
            try await driver.wait("the refusal") { try await driver.text("#error-message").contains("security token") }
            #expect(try await f.services.collections(f.platform).contains { $0.name == "without-token" } == false)

            try await driver.find("#sign-out").click()
            try await driver.wait("the sign-in page") { try await driver.currentURL().hasSuffix("/login") }
            try await signIn(driver, base, PageFixture.emails.consumer)
            #expect(try await driver.findAll("nav a[href='/admin']").isEmpty)
            try await driver.go(base + "/admin")
            #expect(try await driver.text("h1") == "Not allowed")
            // At a phone's width nothing runs off the side.
            try await driver.setWindow(width: 390, height: 844)
            try await driver.go(base + "/lists/\(f.collection)")
            #expect(try await driver.run("return document.documentElement.scrollWidth <= window.innerWidth + 1") as? Bool == true)
            try await shoot(driver, "phone")
        }
    }

    @Test func anAuthoritySignsAnOrderInTheBrowserAndTheKeyNeverLeavesIt() async throws {
        try await withBrowser { f, base, driver in
            let signer = Curve25519.Signing.PrivateKey()
            _ = try await f.services.registerSigningKey(
                try API.command(API.SigningKeyIn.self, ["publicKey": signer.publicKey.rawRepresentation.base64EncodedString()]), by: f.authority)
            // The key file as `cordon order keygen` writes it: PKCS#8 PEM.
            let prefix: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
            let pem = "-----BEGIN PRIVATE KEY-----\n\(Data(prefix + signer.rawRepresentation).base64EncodedString())\n-----END PRIVATE KEY-----\n"
            let keyFile = f.folder.appendingPathComponent("order-key.pem")
            try Data(pem.utf8).write(to: keyFile)

            try await signIn(driver, base, PageFixture.emails.officer)
            try await driver.go(base + "/desk")
            try await driver.find("#o-urls").type("https://video.example/watch/signed-here")
            try await driver.find("#o-reference").type("DE-BROWSER-1")
            try await driver.find("#o-statement").type("Glorifies the attack of this morning.")
            try await driver.find("#order button[type=submit]").click()
            try await driver.wait("the order to sign") { try await driver.findAll("#sign-order").count == 1 }
            let shown = try await driver.run("return document.getElementById('o-order').value") as? String ?? ""
            #expect(shown.contains("\"referenceNumber\":\"DE-BROWSER-1\""))
            try await driver.find("#o-keyfile").type(keyFile.path)
            try await driver.find("#sign-order button[type=submit]").click()
            try await driver.wait("the issued case", timeout: .seconds(30)) { try await driver.currentURL().contains("/desk/cases/") }
            #expect(try await driver.text("#order-json").contains("DE-BROWSER-1"))
            try await shoot(driver, "order-signed")
            let issued = try #require(try await f.services.cases(view: .issued, kind: .removalOrder, state: nil, before: nil, limit: 10,
                                                                 by: f.authority).cases.first)
            #expect(issued.reference == "DE-BROWSER-1" && issued.platform == f.platform.organisationID)
            // The key file's contents were not sent: no form field carried them.
            let audit = try await f.services.auditLog(since: 0, limit: 500, by: f.operator_).entries
            #expect(!audit.contains { $0.detail.values.contains { $0.contains(signer.rawRepresentation.base64EncodedString()) } })
            // A sortable table: the inbox sorts by its Case column on a click.
            try await driver.go(base + "/desk")
            // (The live region may replace the table once its stream opens: click until it holds.)
            try await driver.wait("the sorted column") {
                try await driver.find("#cases thead th").click()
                return try await driver.find("#cases thead th").attribute("aria-sort") == "ascending"
            }
        }
    }
}
