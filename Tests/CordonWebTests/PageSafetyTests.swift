import CordonDomain
import CordonHub
import CordonServices
import CordonStore
@testable import CordonWeb
import Foundation
import HTTPTypes
import Testing

/// What the pages answer over plain HTTP: sessions, CSRF, headers, roles, escaping and
/// errors beside their fields.
@Suite struct PageSafetyTests {
    @Test func signedOutPagesRedirectToSignInAndEveryPageSendsItsHeaders() async throws {
        let f = try await PageFixture.make()
        try await f.withServer { _, http in
            let browser = PageClient(http)
            let overview = try await browser.get("/lists?type=pdq")
            #expect(overview.status == .seeOther)
            #expect(overview.location == "/login?next=%2Flists%3Ftype%3Dpdq")
            let login = try await browser.get("/login")
            #expect(login.status == .ok)
            let policy = login.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
            #expect(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"))
            #expect(login.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            #expect(login.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            #expect(login.cookies.contains { $0.hasPrefix("cordon_signin=") && $0.contains("HttpOnly") && $0.contains("SameSite=Strict") })
            // The JSON API is unchanged beside the pages.
            #expect(try await browser.get("/v1/me").status == .unauthorized)
        }
    }

    @Test func signInChecksThePasswordSetsASafeCookieAndSignOutEndsTheSession() async throws {
        let f = try await PageFixture.make()
        try await f.withServer { _, http in
            let browser = PageClient(http)
            let wrong = try await browser.signIn(PageFixture.emails.moderator, password: "not the password")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.body.contains("id=\"password-error\""))
            #expect(wrong.body.contains("that email and password do not match an active account"))
            #expect(wrong.body.contains("value=\"moderator@alpha.test\""), "the email is kept in the form")
            let landed = try await browser.signIn(PageFixture.emails.moderator)
            #expect(landed.status == .seeOther && landed.location == "/")
            let cookie = try #require(landed.cookies.first { $0.hasPrefix("cordon_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/") && !cookie.contains("Secure"))
            let overview = try await browser.get("/")
            #expect(overview.status == .ok)
            #expect(overview.body.contains("Moderator · Alpha Video (admin)"))
            // Signing out needs the session's token, and ends the session in the database.
            #expect(try await browser.post("/logout", [("_csrf", "wrong")]).status == .forbidden)
            #expect(try await browser.get("/").status == .ok)
            let out = try await browser.post("/logout", [("_csrf", overview.csrf ?? "")])
            #expect(out.status == .seeOther && out.location == "/login")
            #expect(try await browser.get("/").status == .seeOther)
            let audit = try await f.services.auditLog(since: 0, limit: 500, by: f.operator_).entries.map(\.action)
            #expect(audit.contains("user.sign-in") && audit.contains("user.sign-in-failed") && audit.contains("user.sign-out"))
        }
    }

    @Test func sessionsAreStoredSoAnotherReplicaOpensThemAndADisabledUserIsOutAtOnce() async throws {
        let f = try await PageFixture.make()
        try await f.withServer { _, http in
            let browser = PageClient(http)
            try await browser.signIn(PageFixture.emails.consumer)
            let token = try #require(browser.jar["cordon_session"])
            // A second set of services on the same database (another replica) knows the session.
            let replica = try await HubServices(store: f.hub.store)
            let session = try #require(try await replica.session(token: token))
            #expect(session.email == PageFixture.emails.consumer && session.caller.role == .consumer)
            let user = try #require(try await f.services.users(of: f.platform.organisationID, by: f.platform).first { $0.email == PageFixture.emails.consumer })
            try await f.services.disableUser(user.id, by: f.platform)
            #expect(try await browser.get("/").status == .seeOther)
            #expect(try await replica.session(token: token) == nil)
        }
    }

    @Test func failedSignInsAreThrottledPerEmailAndPerAddress() async throws {
        let f = try await PageFixture.make()
        try await f.withServer { _, http in
            let browser = PageClient(http)
            for _ in 0..<5 { #expect(try await browser.signIn(PageFixture.emails.officer, password: "guess-guess").status == .unauthorized) }
            let refused = try await browser.signIn(PageFixture.emails.officer)
            #expect(refused.status == .tooManyRequests, "the right password is not even checked once the limit is reached")
            #expect(refused.body.contains("too many failed sign-ins; try again in 15 minutes"))
            // Another person at the same address is not held up, until the address itself has
            // failed five times as often.
            #expect(try await browser.signIn(PageFixture.emails.analyst).status == .seeOther)
            for n in 0..<20 { _ = try await browser.signIn("nobody\(n)@example.org", password: "guess-guess") }
            #expect(try await browser.signIn(PageFixture.emails.operator_).status == .tooManyRequests)
        }
    }

    @Test func formsWithoutTheirTokenAreRefusedAndChangeNothing() async throws {
        let f = try await PageFixture.make()
        try await f.withServer { _, http in
            let browser = PageClient(http)
            try await browser.signIn(PageFixture.emails.moderator)
            let page = try await browser.get("/lists")
            for fields in [[("name", "forged")], [("_csrf", "0000"), ("name", "forged")]] {
                let refused = try await browser.post("/lists", fields)
                #expect(refused.status == .forbidden)
                #expect(refused.body.contains("security token is missing or out of date"))
            }
            #expect(try await f.services.collections(f.platform).contains { $0.name == "forged" } == false)
            let made = try await browser.post("/lists", [("_csrf", page.csrf ?? ""), ("name", "made-here"), ("description", "")])
            #expect(made.status == .seeOther)
            #expect(try await f.services.collections(f.platform).contains { $0.name == "made-here" })
        }
    }

    @Test func aConsumerFindsNoAdministration() async throws {
        let f = try await PageFixture.make()
        try await f.withServer { _, http in
            let browser = PageClient(http)
            try await browser.signIn(PageFixture.emails.consumer)
            let overview = try await browser.get("/")
            #expect(!overview.body.contains("href=\"/admin\""))
            #expect(overview.body.contains("href=\"/lists\""))
            let admin = try await browser.get("/admin")
            #expect(admin.status == .forbidden)
            #expect(admin.body.contains("Not allowed"))
            #expect(try await browser.post("/admin/keys", [("_csrf", overview.csrf ?? ""), ("role", "admin"), ("label", "x")]).status == .forbidden)
            #expect(try await f.services.keys(of: f.platform.organisationID, by: f.platform).isEmpty)
        }
    }

    @Test func badInputIsShownBesideItsFieldAndStoresNothing() async throws {
        let f = try await PageFixture.make()
        try await f.withServer { _, http in
            let browser = PageClient(http)
            try await browser.signIn(PageFixture.emails.moderator)
            let list = try await browser.get("/lists/\(f.collection)")
            let bad = try await browser.post("/lists/\(f.collection)/signals", [("_csrf", list.csrf ?? ""), ("type", "pdq"), ("value", "not-a-hash")])
            #expect(bad.status == .badRequest)
            #expect(bad.body.contains("id=\"value-error\""))
            #expect(bad.body.contains("aria-invalid=\"true\""))
            #expect(try await f.services.browse(f.collection, .init(), limit: 10, by: f.platform).signals.isEmpty)
            let filter = try await browser.get("/lists/\(f.collection)?from=yesterday")
            #expect(filter.status == .ok && filter.body.contains("from must be a date such as 2026-12-01"))
            #expect(try await browser.get("/lists/not-an-id").status == .notFound)
            #expect(try await browser.get("/signals/99999").status == .notFound)
            let match = try await browser.post("/match", [("_csrf", list.csrf ?? ""), ("type", "pdq"), ("value", "zz")])
            #expect(match.status == .badRequest && match.body.contains("id=\"m-value-error\""))
        }
    }

    @Test func theOverviewCountsTodaysMatches() async throws {
        let f = try await PageFixture.make()
        let hash = String(repeating: "a5", count: 32)
        _ = try await f.services.submit(API.Submission(signals: [SignalSubmission(type: .pdq, value: hash)], isBulk: false),
                                        to: f.collection, by: f.platform)
        try await f.withServer { _, http in
            let browser = PageClient(http)
            try await browser.signIn(PageFixture.emails.moderator)
            let before = try await browser.get("/")
            #expect(before.body.contains("<p class=\"figure\" id=\"matched-today\">0</p>"))
            let match = try await browser.post("/match", [("_csrf", before.csrf ?? ""), ("type", "pdq"), ("value", hash)])
            #expect(match.status == .ok)
            _ = try await browser.post("/match", [("_csrf", before.csrf ?? ""), ("type", "pdq"), ("value", String(repeating: "0f", count: 32))])
            let after = try await browser.get("/")
            #expect(after.body.contains("<p class=\"figure\" id=\"matched-today\">1</p>"))
            #expect(after.body.contains("of 2 hashes checked today"))
            #expect(after.body.contains("Hashes matched, last 14 days (UTC)"))
        }
    }

    @Test func aCSVWithOneBadLineStoresNothingAndAnImportIsOnlyItsOrganisations() async throws {
        let f = try await PageFixture.make()
        try await f.withServer { _, http in
            let browser = PageClient(http)
            try await browser.signIn(PageFixture.emails.moderator)
            let list = try await browser.get("/lists/\(f.collection)")
            var lines = ["type,value,category"]
            for i in 0..<1_500 { lines.append("pdq," + String(format: "%064x", i + 1) + ",incitement") }
            lines[1_200] = "pdq,not-a-hash,incitement"
            let bad = try await browser.post("/lists/\(f.collection)/bulk", [("_csrf", list.csrf ?? "")],
                                             file: ("file", "bad.csv", lines.joined(separator: "\n")))
            #expect(bad.status == .badRequest)
            #expect(bad.body.contains("id=\"csv-error\"") && bad.body.contains("line 1200: value:"), "the bad line is named")
            #expect(f.services.signalCounts(by: f.platform)[f.collection] == nil, "nothing stored")
            let unknownType = try await browser.post("/lists/\(f.collection)/bulk", [("_csrf", list.csrf ?? "")],
                                                     file: ("file", "x.csv", "sha1,abc"))
            #expect(unknownType.status == .badRequest && unknownType.body.contains("&#39;sha1&#39; is not a type"))

            lines[1_200] = "md5," + String(repeating: "ab", count: 16) + ","
            let good = try await browser.post("/lists/\(f.collection)/bulk", [("_csrf", list.csrf ?? "")],
                                              file: ("file", "good.csv", lines.joined(separator: "\n")))
            #expect(good.status == .seeOther)
            let location = try #require(good.location)
            #expect(location.hasPrefix("/lists/\(f.collection)/imports/"))
            var progress = try await browser.get(location + "/progress")
            for _ in 0..<100 where !progress.body.contains("data-finished") {
                try await Task.sleep(for: .milliseconds(100))
                progress = try await browser.get(location + "/progress")
            }
            #expect(progress.body.contains("1500 of 1500") && progress.body.contains("1500 created."))
            #expect(try await browser.get(location).body.contains("Importing good.csv"))
            #expect(f.services.signalCounts(by: f.platform)[f.collection] == [.pdq: 1_499, .md5: 1])

            // Another organisation's person does not see it.
            let officer = PageClient(http)
            try await officer.signIn(PageFixture.emails.officer)
            #expect(try await officer.get(location).status == .notFound)
        }
    }

    @Test func hostileTextIsEscapedOnEveryPage() async throws {
        let f = try await PageFixture.make()
        let hostile = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>"
        let collection = try await f.services.createCollection(
            try API.command(API.NewCollection.self, ["name": "x" + hostile, "description": hostile]), by: f.platform)
        let hash = String(repeating: "a5", count: 32)
        let signal = try await f.services.submit(API.Submission(signals: [SignalSubmission(
            type: .pdq, value: hash, labels: SignalLabels(entity: hostile))], isBulk: false), to: collection.id, by: f.platform).results[0].id
        let referral = try await f.services.refer(try API.command(API.NewReferral.self, [
            "platform": f.platform.organisationID.uuidString, "urls": ["https://example.org/a?q=<b>"], "statement": hostile,
            "reference": "R" + hostile,
        ]), by: f.unit)
        try await f.withServer { _, http in
            let browser = PageClient(http)
            // (Once, under every suite at once on two cores, each page below sent this to sign in.)
            let signedIn = try await browser.signIn(PageFixture.emails.moderator)
            #expect(signedIn.status == .seeOther, "sign-in answered \(signedIn.status): \(signedIn.body.prefix(2000))")
            for path in ["/", "/lists", "/lists/\(collection.id)", "/signals/\(signal)", "/desk", "/desk/cases/\(referral.id)",
                         "/match?type=pdq&value=\(hash)"] {
                let page = try await browser.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(!page.body.contains("<script>alert"), "\(path) carries the script raw")
                #expect(!page.body.contains("<img src=x"), "\(path) carries the image raw")
                #expect(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(path) does not show the text")
            }
        }
    }

    @Test func secureCookiesWhenServedOverTLS() async throws {
        let f = try await PageFixture.make()
        defer { Task { await f.close() } }
        let pages = try WebPages(services: f.services, settings: .init(secureCookies: true))
        #expect(pages.cookie("cordon_session", "t", maxAge: 60).hasSuffix("; Secure"))
    }

    @Test func sessionsEndAfterThirtyIdleMinutesOrTwelveHours() async throws {
        let clock = AdjustableWallClock()
        let f = try await PageFixture.make(clock: clock)
        try await f.withServer { _, http in
            let browser = PageClient(http)
            try await browser.signIn(PageFixture.emails.moderator)
            // Busy: a request every 25 minutes keeps it open, until twelve hours have passed.
            for _ in 0..<28 {
                clock.advance(by: 25 * 60)
                #expect(try await browser.get("/").status == .ok)
            }
            clock.advance(by: 25 * 60)
            #expect(try await browser.get("/").status == .seeOther, "past the absolute limit")
            try await browser.signIn(PageFixture.emails.moderator)
            clock.advance(by: 31 * 60)
            #expect(try await browser.get("/").status == .seeOther, "idle for 31 minutes")
        }
    }

    @Test func theOperatorSeatsTheBoardAndSuspendsFromThePage() async throws {
        let f = try await PageFixture.make()
        try await f.withServer { _, http in
            let browser = PageClient(http)
            try await browser.signIn(PageFixture.emails.operator_)
            let admin = try await browser.get("/admin")
            #expect(admin.body.contains("Alpha Video") && admin.body.contains("/admin/organisations/\(f.authority.organisationID)/board"))
            let seated = try await browser.post("/admin/organisations/\(f.authority.organisationID)/board", [("_csrf", admin.csrf ?? ""), ("seated", "true")])
            #expect(seated.status == .seeOther)
            #expect(try await f.services.organisations(f.operator_).first { $0.id == f.authority.organisationID }?.board == true)
            let noReason = try await browser.post("/admin/organisations/\(f.authority.organisationID)/suspend", [("_csrf", admin.csrf ?? "")])
            #expect(noReason.status == .badRequest && noReason.body.contains("reason"))
            let suspended = try await browser.post("/admin/organisations/\(f.authority.organisationID)/suspend",
                                                   [("_csrf", admin.csrf ?? ""), ("reason", "leaked data")])
            #expect(suspended.status == .seeOther)
            // Its officer cannot sign in while it is suspended.
            #expect(try await PageClient(http).signIn(PageFixture.emails.officer).status == .unauthorized)
        }
    }

    @Test func anAdminAddsAWebhookAndSendsItATest() async throws {
        let f = try await PageFixture.make()
        try await f.withServer { _, http in
            let browser = PageClient(http)
            try await browser.signIn(PageFixture.emails.moderator)
            let admin = try await browser.get("/admin")
            let bad = try await browser.post("/admin/webhooks", [("_csrf", admin.csrf ?? ""), ("url", "http://10.0.0.1/hook")])
            #expect(bad.status == .badRequest && bad.body.contains("class=\"error\""))
            // Nothing listens on port 9: the test call is queued, tried, and its error shown.
            let added = try await browser.post("/admin/webhooks", [("_csrf", admin.csrf ?? ""), ("url", "http://127.0.0.1:9/hook")])
            #expect(added.status == .ok && added.body.contains("Webhook signing secret (shown once)"))
            let hook = try #require(try await f.services.webhooks(by: f.platform).first)
            let sent = try await browser.post("/admin/webhooks/\(hook.id)/test", [("_csrf", admin.csrf ?? "")])
            #expect(sent.status == .seeOther)
            let deliveries = try await f.services.deliveries(of: hook.id, state: nil, limit: 10, by: f.platform)
            #expect(deliveries.map(\.event) == ["webhook.test"])
            #expect(try await browser.get("/admin").body.contains("<td>webhook.test</td>"))
            #expect(try await browser.post("/admin/webhooks/\(hook.id)/retry", [("_csrf", admin.csrf ?? ""), ("delivery", "\(deliveries[0].id)")]).status == .conflict,
                    "a delivery that is not dead is not sent again")
            #expect(try await browser.post("/admin/webhooks/\(hook.id)/test", [("_csrf", "forged")]).status == .forbidden)
            #expect(try await f.services.deliveries(of: hook.id, state: nil, limit: 10, by: f.platform).count == 1)
        }
    }

    @Test func anOrderWithoutURLsIsRefusedBeforeSigningAndNothingIsIssued() async throws {
        let f = try await PageFixture.make()
        try await f.withServer { _, http in
            let browser = PageClient(http)
            try await browser.signIn(PageFixture.emails.officer)
            let desk = try await browser.get("/desk")
            let refused = try await browser.post("/desk/orders/prepare", [
                ("_csrf", desk.csrf ?? ""), ("platform", f.platform.organisationID.uuidString), ("urls", " "), ("reference", "DE-1"),
                ("statement", "Glorifies an attack."), ("category", "incitement"), ("legalBasis", "Art. 3"), ("redress", "court"),
            ])
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("id=\"order-error\""))
            let prepared = try await browser.post("/desk/orders/prepare", [
                ("_csrf", desk.csrf ?? ""), ("platform", f.platform.organisationID.uuidString), ("urls", "https://video.example/w/1"),
                ("reference", "DE-1"), ("statement", "Glorifies an attack."), ("category", "incitement"), ("legalBasis", "Art. 3"),
                ("redress", "court"),
            ])
            #expect(prepared.status == .ok && prepared.body.contains("id=\"sign-order\""))
            #expect(try await f.services.cases(view: .issued, kind: nil, state: nil, before: nil, limit: 10, by: f.authority).cases.isEmpty)
        }
    }
}
