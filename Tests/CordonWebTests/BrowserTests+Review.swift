import CordonDomain
import CordonServices
import CordonStore
import CordonTestSupport
import Foundation
import Testing

extension BrowserTests {
    /// A mirror's review queue in the browser: the graver case first, a decision undone
    /// within its window and taken again, a bulk decision (refused when nothing is
    /// selected), the decision sent once the window has passed, repeat uploaders; a
    /// preserved image shown blurred until revealed.
    @Test func aModeratorWorksTheReviewQueueUndoesADecisionAndDecidesInBulk() async throws {
        let clock = AdjustableWallClock()
        try await withBrowser(clock: clock, review: true) { f, base, driver in
            let desk = try #require(f.desk)
            var random = SplitMix(seed: 31)
            func hash() -> String { (0..<4).map { _ in String(format: "%016llx", random.next()) }.joined() }
            let (mild, grave) = (hash(), hash())
            _ = try await f.services.submit(API.Submission(signals: [
                SignalSubmission(type: .pdq, value: mild, labels: SignalLabels(categories: [.incitement])),
                SignalSubmission(type: .pdq, value: grave, labels: SignalLabels(categories: [.threat], behaviours: [.imminentThreat])),
            ], isBulk: true), to: f.collection, by: f.platform)
            func upload(_ content: String, _ account: String, _ value: String) async throws -> Int {
                let out = try await desk.record(UploadIn(contentID: content, accountID: account, hashes: [.init(type: .pdq, value: value)]),
                                                by: f.platform)
                return try #require(out.case?.id)
            }
            let first = try await upload("post-1", "acct-1", mild)
            let second = try await upload("post-2", "acct-1", grave)
            let third = try await upload("post-3", "acct-2", mild)

            try await signIn(driver, base, PageFixture.emails.moderator, landing: "/review")
            let rows = try await driver.findAll("#review-cases tbody tr")
            #expect(rows.count == 3)
            #expect(try await driver.find("#review-cases tbody tr:first-child").attribute("data-case") == String(second), "the graver case first")
            #expect(try await driver.text("#repeat-uploaders").contains("acct-1"))
            try await shoot(driver, "review-queue")

            // Nothing selected: the refusal is shown by the selection.
            try await driver.find("#bulk button[type=submit]").click()
            try await driver.wait("the bulk refusal") { try await driver.findAll("#bulk-error").count == 1 }
            #expect(try await driver.text("#bulk-error").contains("1 to 1,000 cases"))

            // One case: decided, undone within the window, decided again.
            try await driver.go(base + "/review/\(first)")
            #expect(try await driver.text("#content-id") == "post-1")
            try await driver.find("#decide select[name=reason] option[value=incitement]").click()
            try await driver.find("#decide button[type=submit]").click()
            try await driver.wait("the decision") { try await driver.text("#case-state").hasPrefix("decided: remove") }
            #expect(try await driver.findAll("#undo").count == 1)
            #expect(try await driver.findAll("#published").isEmpty)
            try await shoot(driver, "review-case-decided")
            try await driver.find("#undo button[type=submit]").click()
            try await driver.wait("the undo") { try await driver.text("#case-state") == "open" }
            try await driver.find("#decide select[name=reason] option[value=incitement]").click()
            try await driver.find("#decide button[type=submit]").click()
            try await driver.wait("the decision again") { try await driver.text("#case-state").hasPrefix("decided: remove") }

            // The other two at once.
            try await driver.go(base + "/review?state=open")
            for id in [second, third] { try await driver.find("#review-cases input[value='\(id)']").click() }
            try await driver.find("#bulk select[name=decision] option[value=leave-up]").click()
            try await driver.find("#bulk select[name=reason] option[value=not-violating]").click()
            try await driver.find("#bulk button[type=submit]").click()
            try await driver.wait("the decided cases") { try await driver.currentURL().hasSuffix("/review?state=decided") }
            #expect(try await driver.findAll("#review-cases tbody tr").count == 3)
            try await driver.go(base + "/review?state=open")
            #expect(try await driver.findAll("#no-review-cases").count == 1)

            // The window passes: the decision is sent and can no longer be undone.
            clock.advance(by: 61)
            #expect(try await desk.publishDue() == 3)
            try await driver.go(base + "/review/\(first)")
            #expect(try await driver.findAll("#published").count == 1)
            #expect(try await driver.findAll("#undo").isEmpty)
            #expect(try await driver.text("#no-media").contains("No file is kept"), "it came as hashes")
            try await shoot(driver, "review-case-published")

            // A preserved image: blurred and grey with its warning, revealed by a click, blurred again.
            let file = f.folder.appendingPathComponent("photo.png")
            try Data(TestImages.png(width: 320, height: 240, seed: 5)).write(to: file)
            let pdq = try #require(try await desk.record(fileAt: file.path, contentID: "photo-0", accountID: "acct-3", clientContext: nil,
                                                         by: f.platform).upload.pdq)
            _ = try await f.services.submit(API.Submission(signals: [SignalSubmission(type: .pdq, value: pdq,
                labels: SignalLabels(categories: [.incitement]))]), to: f.collection, by: f.platform)
            let photo = try #require(try await desk.record(fileAt: file.path, contentID: "photo-1", accountID: "acct-3", clientContext: nil,
                                                           by: f.platform).case?.id)
            try await driver.go(base + "/review/\(photo)")
            let preview = try await driver.find("#preview")
            #expect(try await driver.text("#preview-warning").contains("violent or terrorist content"))
            #expect(try await driver.run("return document.getElementById('preview').naturalWidth") as? Int == 320, "the kept file is served")
            #expect(try await driver.run("return getComputedStyle(document.getElementById('preview')).filter") as? String ?? "none" != "none")
            try await preview.click()
            try await driver.wait("the revealed preview") { try await preview.attribute("class")?.contains("revealed") == true }
            try await driver.wait("blurred again after 10 s", timeout: .seconds(30)) {
                try await preview.attribute("class")?.contains("revealed") == false
            }
        }
    }
}
