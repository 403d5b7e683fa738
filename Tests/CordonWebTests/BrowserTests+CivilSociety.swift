import CordonDomain
import CordonServices
import CordonStore
import CordonTestSupport
import Foundation
import Testing

extension BrowserTests {
    func signOut(_ driver: WebDriver) async throws {
        try await driver.find("#sign-out").click()
        try await driver.wait("the sign-in page") { try await driver.currentURL().hasSuffix("/login") }
    }

    /// In a real browser: a youth worker's notice, refused by its field, then sent with a
    /// signed receipt; the platform's moderator finds it first in the queue and decides;
    /// the worker reads the decision and its redress. A partner registers a campaign; the
    /// moderator's match of its label offers it; a reinstated hash shows review-only on its
    /// page; the public report needs no sign-in and hides small counts.
    @Test func aNoticeACampaignAndAQuarantinedHashThroughThePages() async throws {
        try await withBrowser { f, base, driver in
            // The worker's notice: the bona fide box left unticked is refused beside it.
            try await signIn(driver, base, PageFixture.emails.worker)
            try await driver.go(base + "/notices")
            try await driver.find("#n-platform option[value='\(f.platform.organisationID.uuidString)']").click()
            try await driver.find("#n-explanation").type("A recruitment video of a listed group, with a call to join")
            try await driver.find("#n-urls").type("https://video.example/watch?v=abc")
            try await driver.find("#n-email").type("sam@streetwork.example")
            try await driver.find("#send-notice input[value=participation]").click()
            try await driver.find("#send-notice button[type=submit]").click()
            try await driver.wait("the bona fide error") { try await driver.findAll("#bonaFide-error").count == 1 }
            #expect(try await f.services.notices(open: nil, limit: 10, by: f.flagger).isEmpty)
            try await driver.find("#n-bonafide").click()
            try await driver.find("#send-notice button[type=submit]").click()
            try await driver.wait("the receipt") { try await driver.findAll("#receipt-signature").count == 1 }
            #expect(try await driver.text("#notice-priority").hasPrefix("priority"))
            #expect(try await driver.text("#notice-facts").contains("participation"), "the ticked type survives the refused form")
            try await shoot(driver, "notice-receipt")

            // A trusted flagger's notice is first in the platform's queue; the moderator decides.
            try await signOut(driver)
            try await signIn(driver, base, PageFixture.emails.moderator)
            try await driver.go(base + "/notices")
            #expect(try await driver.text("#notices tbody tr:first-child").contains("trusted flagger"))
            try await shoot(driver, "notices")
            try await driver.find("#notices tbody tr:first-child a").click()
            try await driver.wait("the notice") { try await driver.findAll("#decide-notice").count == 1 }
            try await driver.find("#d-explanation").type("Removed as terrorist content")
            try await driver.find("#decide-notice button[type=submit]").click()
            try await driver.wait("the decision") { try await driver.findAll("#decision-action").count == 1 }
            #expect(try await driver.text("#decision-action") == "removed")

            // The partner registers a campaign; a missing language is refused beside its field.
            try await signOut(driver)
            try await signIn(driver, base, PageFixture.emails.partner)
            try await driver.go(base + "/campaigns")
            for (id, text) in [("#c-name", "Exit Deutschland"), ("#c-goal", "Members leave violent groups"), ("#c-audience", "Young men"),
                               ("#c-message", "There is a way out"), ("#c-messenger", "Former members"), ("#c-media", "Short videos"),
                               ("#c-action", "Talk to a counsellor"), ("#c-helpline", "+49 30 1234")] {
                try await driver.find(id).type(text)
            }
            try await driver.find("#new-campaign input[value=incitement]").click()
            try await driver.find("#new-campaign button[type=submit]").click()
            try await driver.wait("the languages error") { try await driver.findAll("#languages-error").count == 1 }
            try await driver.find("#c-languages").type("de")
            try await driver.find("#new-campaign input[value=incitement]").click()
            try await driver.find("#new-campaign button[type=submit]").click()
            try await driver.wait("the campaign's page") { try await driver.findAll("#campaign-facts").count == 1 }
            try await shoot(driver, "campaign")

            // The moderator's match of an incitement hash offers it.
            let value = String(repeating: "c", count: 32)
            let shared = try await f.services.submit(API.Submission(signals: [SignalSubmission(type: .md5, value: value,
                labels: SignalLabels(categories: [.incitement]))]), to: f.collection, by: f.platform).results[0].id
            try await signOut(driver)
            try await signIn(driver, base, PageFixture.emails.moderator)
            try await driver.go(base + "/match")
            try await driver.find("#m-type option[value=md5]").click()
            try await driver.find("#m-value").type(value)
            try await driver.find("#match-hash button[type=submit]").click()
            try await driver.wait("the campaigns offered") { try await driver.findAll("#campaigns li").count == 1 }
            #expect(try await driver.text("#campaigns").contains("Exit Deutschland"))
            try await shoot(driver, "match-campaigns")

            // Three reinstatements quarantine the hash: its page says review-only.
            for _ in 0..<3 {
                _ = try await f.services.feedback(on: shared, API.NewFeedback(kind: .reinstated), by: f.platform)
            }
            try await driver.go(base + "/signals/\(shared)")
            #expect(try await driver.text("#ledger-standing").hasPrefix("Review only"))
            #expect(try await driver.text("#ledger-reinstatements") == "3")
            try await driver.find("#confirm button[type=submit]").click()
            try await driver.wait("the confirmed standing") { try await driver.text("#ledger-standing").hasPrefix("Matches on it may be acted on") }
            try await driver.go(base + "/safeguards?by=origin")
            #expect(try await driver.findAll("#ledger-report tbody tr").count == 1)

            // The public report: no sign-in, small counts left out.
            try await signOut(driver)
            try await driver.go(base + "/public/transparency")
            #expect(try await driver.text("#g-notices").contains("fewer than 10"))
            try await shoot(driver, "public-transparency")
        }
    }
}
