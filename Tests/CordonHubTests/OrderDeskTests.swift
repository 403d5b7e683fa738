import CordonDomain
import CordonOutbound
import CordonStore
import CordonTestSupport
import Crypto
import Foundation
import HTTPTypes
import Synchronization
import Testing

/// Removal orders over real HTTP: issue, receipt proof, the one-hour clock with pauses,
/// alerts to both sides, and everything a wrong request must not do.
@Suite struct OrderDeskTests {
    /// The checker does not fetch an order's URLs while its non-disclosure runs: the fetch
    /// would tell the host, and a content provider reading its logs, that an order exists
    /// (the review's F14). An order without one, issued beside it, is checked as usual.
    @Test func noRemovalCheckRunsWhileAnOrdersNonDisclosureLasts() async throws {
        let d = try await DeskFixture.make(.sqlite)
        let site = LoopbackSite()
        try await site.run { sitePort in
            try await d.hub.withServer { c in
                let keyID = try await d.registerKey(c)
                let secret = try await d.order(c, urls: ["http://127.0.0.1:\(sitePort)/live?order=secret"], keyID: keyID,
                                               nonDisclosureUntil: d.clock.now().addingTimeInterval(7200))
                let open = try await d.order(c, urls: ["http://127.0.0.1:\(sitePort)/live?order=open"], keyID: keyID)
                let secretID = try #require(secret.object["id"] as? String, "\(secret.json ?? "")")
                let openID = try #require(open.object["id"] as? String, "\(open.json ?? "")")
                @Sendable func checks(_ id: String) async throws -> Int { try await c.call(.get, "/v1/cases/\(id)/checks", key: d.frKey).array.count }
                d.clock.advance(by: DeskFixture.rules.firstCheckAfter + 1)
                #expect(try await eventually(within: 15) { try await checks(openID) == 1 })
                #expect(try await checks(secretID) == 0, "checked during its non-disclosure")
                d.clock.advance(by: 7200)
                #expect(try await eventually(within: 15) { try await checks(secretID) == 1 })
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func anOrderRunsFromReceiptToRemovalWithAProvableReceipt(_ backend: Backend) async throws {
        let d = try await DeskFixture.make(backend)
        try await d.hub.withServer { c in
            let keyID = try await d.registerKey(c)
            let issued = try await d.order(c, urls: ["https://video.example.org/watch?v=1&utm_source=x"], keyID: keyID)
            #expect(issued.status == 201, "\(issued.json ?? "")")
            let id = try #require(issued.object["id"] as? String)
            #expect(issued.object["state"] as? String == "received")
            let received = try #require(RemovalOrderContent.parseDate(issued.object["receivedAt"] as? String ?? ""))
            let deadline = try #require(RemovalOrderContent.parseDate(issued.object["deadline"] as? String ?? ""))
            #expect(abs(deadline.timeIntervalSince(received) - 3600) < 0.01)

            // In the platform's inbox and the authority's list.
            let inbox = try await c.call(.get, "/v1/cases", key: d.betaKey)
            #expect((inbox.object["cases"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            let issuedList = try await c.call(.get, "/v1/cases?view=issued&kind=removal-order", key: d.frKey)
            #expect((issuedList.object["cases"] as? [[String: Any]])?.count == 1)

            // The proof verifies with nothing but the two public keys.
            let proof = try await c.call(.get, "/v1/orders/\(id)/proof", key: d.betaKey).object
            let order = try #require(proof["order"] as? String)
            let issuerKey = try Curve25519.Signing.PublicKey(rawRepresentation: Data(base64Encoded: proof["issuerPublicKey"] as! String)!)
            #expect(issuerKey.isValidSignature(Data(base64Encoded: proof["issuerSignature"] as! String)!, for: Data(order.utf8)))
            let receipt = try #require(proof["receipt"] as? [String: Any])
            let statement = try #require(receipt["statement"] as? String)
            let hubKey = try Curve25519.Signing.PublicKey(rawRepresentation: Data(base64Encoded: proof["hubPublicKey"] as! String)!)
            #expect(hubKey.isValidSignature(Data(base64Encoded: receipt["signature"] as! String)!, for: Data(statement.utf8)))
            #expect(!hubKey.isValidSignature(Data(base64Encoded: receipt["signature"] as! String)!, for: Data((statement + " ").utf8)))
            let fields = try #require(try JSONSerialization.jsonObject(with: Data(statement.utf8)) as? [String: String])
            #expect(fields["orderSHA256"] == SHA256.hash(data: Data(order.utf8)).map { String(format: "%02x", $0) }.joined())
            #expect(fields["caseID"] == id && RemovalOrderContent.parseDate(fields["receivedAt"] ?? "") != nil)

            // Acknowledge, pause for missing information, clarify (a fresh hour), remove.
            func act(_ key: String, _ body: [String: Any]) async throws -> HubClient.Reply {
                try await c.call(.post, "/v1/cases/\(id)/actions", key: key, json: body)
            }
            #expect(try await act(d.betaKey, ["action": "acknowledge"]).object["state"] as? String == "acknowledged")
            #expect(try await act(d.betaKey, ["action": "acknowledge"]).status == 409)
            let paused = try await act(d.betaKey, ["action": "report-inability", "reason": "missing-information", "detail": "Which video?"])
            #expect(paused.object["state"] as? String == "suspended" && paused.object["deadline"] == nil)
            let wrongSide = try await act(d.betaKey, ["action": "resume"])
            #expect(wrongSide.status == 409 && wrongSide.error["field"] as? String == "action")
            d.clock.advance(by: 600)
            let asked = d.clock.now()
            let clarified = try await act(d.frKey, ["action": "clarify", "clarification": "The video at 0:42."])
            let answered = d.clock.now()
            let restarted = try #require(RemovalOrderContent.parseDate(clarified.object["deadline"] as? String ?? ""))
            // A fresh hour from the clarification, whenever in the request it was taken (ms in the answer).
            #expect(restarted >= asked.addingTimeInterval(3600 - 0.001) && restarted <= answered.addingTimeInterval(3600 + 0.001),
                    "\(restarted) not an hour after \(asked)…\(answered)")
            // The scrutinising authority (Beta's, in DE) sees it but cannot act on it; another
            // platform cannot even see it.
            #expect(try await act(d.deKey, ["action": "withdraw", "reason": "x"]).status == 403)
            #expect(try await act(d.alphaKey, ["action": "acknowledge"]).status == 404)
            #expect(try await c.call(.get, "/v1/cases/\(id)", key: d.alphaKey).status == 404)
            #expect(try await act(d.betaKey, ["action": "refuse", "reason": "not illegal"]).status == 409)
            let removed = try await act(d.betaKey, ["action": "confirm-removal", "removal": "disabled"])
            #expect(removed.object["state"] as? String == "removed" && removed.object["removalAction"] as? String == "disabled")
            #expect(removed.object["breachedAt"] == nil)

            let events = try await c.call(.get, "/v1/case-events", key: d.betaKey).object["events"] as? [[String: Any]]
            #expect(events?.compactMap { $0["event"] as? String } ==
                    ["case-received", "case-acknowledged", "case-suspended", "case-restarted", "case-removed"])
        }
    }

    @Test(arguments: Backend.allCases)
    func deadlineAlertsReachBothSidesByStreamAndSignedWebhook(_ backend: Backend) async throws {
        let d = try await DeskFixture.make(backend)
        let site = LoopbackSite()
        try await site.run { sitePort in
            try await d.hub.withServer { c in
                let port = try #require(c.port)
                var secrets: [String: String] = [:], hooks: [String: UUID] = [:]
                for (key, path) in [(d.betaKey, "hook-beta"), (d.frKey, "hook-fr")] {
                    let hook = try await c.call(.post, "/v1/webhooks", key: key, json: ["url": "http://127.0.0.1:\(sitePort)/\(path)"])
                    #expect(hook.status == 201)
                    secrets[path] = hook.object["secret"] as? String
                    hooks[path] = UUID(uuidString: hook.object["id"] as? String ?? "")
                }
                let keyID = try await d.registerKey(c)
                let issued = try await d.order(c, urls: ["https://example.org/a"], keyID: keyID)
                let id = try #require(issued.object["id"] as? String)
                let wanted = ["deadline-15-minutes", "deadline-5-minutes", "deadline-breached"]
                let streams = [d.betaKey, d.frKey].map { key in
                    Task {
                        try await EventStreamClient.collect(
                            url: "http://127.0.0.1:\(port)/v1/case-events/stream?since=0", headers: [("Authorization", "Bearer \(key)")]
                        ) { events in events.contains { $0.event == "deadline-breached" } }
                    }
                }
                // Each alert goes out once the clock passes it (how fast is measured by bench/orders).
                for (alert, jump) in zip(wanted, [2700.5, 600.0, 300.0]) {
                    d.clock.advance(by: jump)
                    let arrived = try await eventually(within: 10) {
                        let page = try await c.call(.get, "/v1/case-events", key: d.frKey).object["events"] as? [[String: Any]]
                        return page?.contains { $0["event"] as? String == alert } == true
                    }
                    #expect(arrived, "\(alert) was not sent")
                }
                for stream in streams {
                    let (status, events) = try await stream.value
                    #expect(status == 200)
                    #expect(events.compactMap(\.event).filter { $0.hasPrefix("deadline") } == wanted)
                }
                let breached = try await c.call(.get, "/v1/cases/\(id)", key: d.betaKey).object
                #expect(breached["breachedAt"] as? String == breached["deadline"] as? String)

                // Both webhooks got every alert (at least once: the clock's jumps expire
                // delivery leases, so one may come twice), signed with their own secret.
                @Sendable func kinds(_ path: String) -> Set<String> {
                    Set(site.calls.withLock { $0.filter { $0.path == path } }
                        .compactMap { try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any] }
                        .compactMap { $0["event"] as? String })
                }
                #expect(try await eventually(within: 5) { Set(wanted).isSubset(of: kinds("hook-beta")) && Set(wanted).isSubset(of: kinds("hook-fr")) })
                for call in site.calls.withLock({ $0 }) {
                    let secret = try #require(secrets[call.path])
                    #expect(WebhookSignature.verify(header: call.signature, body: call.body, secret: secret))
                    #expect(!WebhookSignature.verify(header: call.signature, body: call.body, secret: "whsec_forged"))
                }

                // Delivered bodies (copies of events) are emptied after their retention; the
                // records of the deliveries stay (review finding F16).
                let hook = try #require(hooks["hook-beta"])
                let delivered = try await d.hub.store.deliveries(of: hook, state: "delivered", limit: 100)
                #expect(!delivered.isEmpty && delivered.allSatisfy { !$0.body.isEmpty })
                #expect(try await d.hub.store.emptyDeliveredBodies(deliveredBefore: d.clock.now().addingTimeInterval(-30 * 86_400)) == 0)
                #expect(try await d.hub.store.emptyDeliveredBodies(deliveredBefore: d.clock.now().addingTimeInterval(1)) >= delivered.count)
                let kept = Dictionary(uniqueKeysWithValues: try await d.hub.store.deliveries(of: hook, state: "delivered", limit: 100)
                    .map { ($0.id!, $0.body) })
                #expect(delivered.allSatisfy { kept[$0.id!] == "" })
            }
        }
    }

    @Test func aWebhookThatKeepsFailingIsRetriedThenDeadLettered() async throws {
        // The clock stands still: a retry falls due only when the test moves it, never while
        // one is in flight (a jump then would lapse its lease and send it twice). Waits are
        // long: with every suite at once on two cores SQLite's pool has stalled for seconds.
        let d = try await DeskFixture.make(.sqlite, clock: AdjustableWallClock(frozen: true))
        let site = LoopbackSite()
        try await site.run { sitePort in
            try await d.hub.withServer { c in
                let hook = try await c.call(.post, "/v1/webhooks", key: d.betaKey,
                                            json: ["url": "http://127.0.0.1:\(sitePort)/hook-flaky", "events": ["case-received"]])
                let hookID = try #require(hook.object["id"] as? String)
                let bad = try await c.call(.post, "/v1/webhooks", key: d.betaKey, json: ["url": "http://10.0.0.1/hook"])
                #expect(bad.status == 400 && bad.error["field"] as? String == "url")
                #expect(try await c.call(.post, "/v1/webhooks", key: d.betaKey, json: ["url": "http://127.0.0.1/x", "events": ["nope"]]).status == 400)
                let keyID = try await d.registerKey(c)
                #expect(try await d.order(c, urls: ["https://example.org/b"], keyID: keyID).status == 201)
                // Every retry is due an hour later at most: after each attempt, move the clock past the next.
                for attempt in 1...7 {
                    let tried = try await eventually(within: 60) {
                        try await c.call(.get, "/v1/webhooks/\(hookID)/deliveries", key: d.betaKey).array.first?["attempts"] as? Int == attempt
                    }
                    #expect(tried, "attempt \(attempt) was not made")
                    d.clock.advance(by: 3601)
                }
                let dead = try await eventually(within: 60) {
                    let list = try await c.call(.get, "/v1/webhooks/\(hookID)/deliveries?state=dead", key: d.betaKey).array
                    return list.first?["attempts"] as? Int == 7
                }
                #expect(dead)
                #expect(site.calls.withLock { $0.count } == 7)

                // The receiver is fixed: the dead delivery is sent again, once, and arrives.
                site.flakyStatus.withLock { $0 = 200 }
                let deadID = try #require(try await c.call(.get, "/v1/webhooks/\(hookID)/deliveries", key: d.betaKey).array.first?["id"] as? Int)
                let retried = try await c.call(.post, "/v1/webhooks/\(hookID)/deliveries/\(deadID)/retry", key: d.betaKey)
                #expect(retried.status == 202 && retried.object["state"] as? String == "pending" && retried.object["attempts"] as? Int == 0)
                #expect(try await eventually(within: 60) {
                    try await c.call(.get, "/v1/webhooks/\(hookID)/deliveries?state=delivered", key: d.betaKey).array.first?["id"] as? Int == deadID
                })
                let again = try await c.call(.post, "/v1/webhooks/\(hookID)/deliveries/\(deadID)/retry", key: d.betaKey)
                #expect(again.status == 409 && again.error["field"] as? String == "delivery", "only a dead delivery is retried")
                let unknown = try await c.call(.post, "/v1/webhooks/\(hookID)/deliveries/999999/retry", key: d.betaKey)
                #expect(unknown.status == 404 && unknown.error["field"] as? String == "delivery")

                // A test call: signed like any delivery, says what it is, and is recorded as delivered.
                let test = try await c.call(.post, "/v1/webhooks/\(hookID)/test", key: d.betaKey)
                #expect(test.status == 202 && test.object["event"] as? String == "webhook.test")
                #expect(try await eventually(within: 60) {
                    site.calls.withLock { calls in
                        calls.contains { (try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any])?["event"] as? String == "webhook.test" }
                    }
                })
                #expect(try await eventually(within: 60) {
                    try await c.call(.get, "/v1/webhooks/\(hookID)/deliveries?state=delivered", key: d.betaKey).array.first?["event"] as? String == "webhook.test"
                })
                let stranger = try await c.call(.post, "/v1/webhooks/\(hookID)/test", key: d.frKey)
                #expect(stranger.status == 403 && stranger.error["field"] as? String == "webhook", "another organisation's webhook is not tested")
                #expect(try await c.call(.delete, "/v1/webhooks/\(hookID)", key: d.betaKey).status == 204)
                #expect(try await c.call(.post, "/v1/webhooks/\(hookID)/test", key: d.betaKey).status == 404, "a revoked webhook is not called")
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func badInputsAreRefusedClearlyAndChangeNothing(_ backend: Backend) async throws {
        let d = try await DeskFixture.make(backend)
        try await d.hub.withServer { c in
            let keyID = try await d.registerKey(c)
            func referral(_ key: String, _ body: [String: Any]) async throws -> HubClient.Reply {
                try await c.call(.post, "/v1/referrals", key: key, json: body)
            }
            let malformed = try await referral(d.unitKey, ["platform": d.beta.uuidString, "urls": ["https://ok.org/1", "not a url"], "statement": "s"])
            #expect(malformed.status == 400 && malformed.error["field"] as? String == "urls[1]")
            let unknown = try await referral(d.unitKey, ["platform": UUID().uuidString, "urls": ["https://ok.org/1"], "statement": "s"])
            #expect(unknown.status == 404 && unknown.error["field"] as? String == "platform")
            let notPlatform = try await referral(d.unitKey, ["platform": d.authorityDE.uuidString, "urls": ["https://ok.org/1"], "statement": "s"])
            #expect(notPlatform.status == 400 && notPlatform.error["field"] as? String == "platform")
            #expect(try await referral(d.unitKey, ["platform": d.beta.uuidString, "urls": ["https://ok.org/1"], "statement": " "]).status == 400)
            #expect(try await referral(d.betaKey, ["platform": d.beta.uuidString, "urls": ["https://ok.org/1"], "statement": "s"]).status == 403)

            let noReasons = try await d.order(c, urls: ["https://ok.org/1"], keyID: keyID, reasons: [])
            #expect(noReasons.status == 400 && noReasons.error["field"] as? String == "order.reasons")
            let forged = try await d.order(c, urls: ["https://ok.org/1"], keyID: keyID, tamper: true)
            #expect(forged.status == 400 && forged.error["field"] as? String == "signature")
            let unknownKey = try await d.order(c, urls: ["https://ok.org/1"], keyID: UUID().uuidString)
            #expect(unknownKey.status == 400 && unknownKey.error["field"] as? String == "signingKey")
            let fromUnit = try await c.call(.post, "/v1/orders", key: d.unitKey, json: ["order": [:], "signingKey": keyID, "signature": ""])
            #expect(fromUnit.status == 403)
            let badKey = try await c.call(.post, "/v1/signing-keys", key: d.frKey, json: ["publicKey": "c2hvcnQ="])
            #expect(badKey.status == 400 && badKey.error["field"] as? String == "publicKey")
            // The identity point: under it the signature (identity, 0) verifies for every order.
            let identity = Data([1] + [UInt8](repeating: 0, count: 31)).base64EncodedString()
            let weakKey = try await c.call(.post, "/v1/signing-keys", key: d.frKey, json: ["publicKey": identity])
            #expect(weakKey.status == 400 && weakKey.error["field"] as? String == "publicKey", "\(weakKey.json ?? "")")
            let keys = try await c.call(.get, "/v1/signing-keys", key: d.frKey)
            #expect(!(keys.json.map { "\($0)" } ?? "").contains(identity), "the weak key was stored")

            // Nothing reached the inbox; no case was audited.
            #expect((try await c.call(.get, "/v1/cases", key: d.betaKey).object["cases"] as? [Any])?.isEmpty == true)
            let audit = try await c.call(.get, "/v1/audit?limit=5000", key: d.hub.operatorKey).object["entries"] as? [[String: Any]]
            #expect(audit?.contains { ($0["action"] as? String)?.hasPrefix("removal-order") == true || ($0["action"] as? String)?.hasPrefix("referral") == true } == false)

            // An action on a case that is not the caller's, and one that does not exist.
            let id = try #require(try await referral(d.unitKey, ["platform": d.beta.uuidString, "urls": ["https://ok.org/2"], "statement": "s"]).object["id"] as? String)
            #expect(try await c.call(.post, "/v1/cases/\(id)/actions", key: d.alphaKey, json: ["action": "acknowledge"]).status == 404)
            let unknownAction = try await c.call(.post, "/v1/cases/\(id)/actions", key: d.betaKey, json: ["action": "delete"])
            #expect(unknownAction.status == 400 && unknownAction.error["field"] as? String == "action")
            #expect(try await c.call(.post, "/v1/cases/\(id)/actions", key: d.betaKey, json: ["action": "refuse"]).status == 400)
            // Free text is bounded (review finding F15): it is copied to events and webhooks.
            let long = String(repeating: "x", count: 10_001)
            let longReason = try await c.call(.post, "/v1/cases/\(id)/actions", key: d.betaKey, json: ["action": "refuse", "reason": long])
            #expect(longReason.status == 400 && longReason.error["field"] as? String == "reason")
            let longOrder = try await d.order(c, urls: ["https://ok.org/3"], keyID: keyID, statement: long)
            #expect(longOrder.status == 400 && longOrder.error["field"] as? String == "order.statement", "\(longOrder.json ?? "")")
            #expect(try await c.call(.get, "/v1/cases/\(id)", key: d.betaKey).object["state"] as? String == "received")
        }
    }
}
