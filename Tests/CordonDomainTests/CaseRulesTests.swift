import CordonDomain
import Foundation
import Testing

@Suite struct ContentURLTests {
    @Test(arguments: [
        ("HTTPS://Example.ORG:443/a/./b/../c?utm_source=x&b=2&a=1#frag", "https://example.org/a/c?a=1&b=2"),
        ("http://user:pw@example.org:80", "http://example.org/"),
        ("https://example.org./%7euser/%2f?fbclid=1", "https://example.org/~user/%2F"),
        ("https://example.org:8443/x", "https://example.org:8443/x"),
        // Escaped dots are dots: found by bench/fuzz (FuzzURLs), whose normal form changed
        // when normalised again.
        ("https://Ea/./%2e/7e?x=1", "https://ea/7e?x=1"),
        ("https://ea/a/%2E%2e/b", "https://ea/b"),
        // Empty query items are separators, not parameters: found by FuzzURLs, whose normal
        // form `https://mp/?` (a tracking parameter dropped beside an empty item) lost its
        // `?` when normalised again.
        ("https://mp?&utm_", "https://mp/"),
        ("https://mp?&&a=1&", "https://mp/?a=1"),
    ])
    func normalForm(input: String, expected: String) throws {
        let url = try ContentURL(input)
        #expect(url.normalised == expected)
        #expect(try ContentURL(url.normalised).normalised == url.normalised, "a normal form normalises to itself")
    }

    @Test(arguments: ["", "not a url", "ftp://example.org/file", "https:///nohost", "javascript:alert(1)"])
    func refusesWhatIsNotAWebURL(input: String) {
        #expect(throws: RuleError.self) { try ContentURL(input) }
    }

    /// Found by FuzzURLs: a URL within the limit whose normal form, non-ASCII characters
    /// percent-encoded, was longer than the limit, so the stored form was refused when read
    /// again (a copy of the list, an export read back).
    @Test func aNormalFormIsNeverLongerThanTheLimit() throws {
        let fits = "https://example.org/" + String(repeating: "é", count: 300)
        let normal = try ContentURL(fits).normalised
        #expect(normal.utf8.count <= ContentURL.maxLength)
        #expect(try ContentURL(normal).normalised == normal)

        let grows = "https://example.org/" + String(repeating: "é", count: 900)
        #expect(grows.utf8.count <= ContentURL.maxLength)
        let error = #expect(throws: RuleError.self) { try ContentURL(grows, field: "urls[0]") }
        #expect(error?.code == .invalid && error?.field == "urls[0]" && error?.message.contains("percent-encoded") == true)
    }

    @Test func domainsCoverTheirSubdomains() throws {
        let url = try ContentURL("https://media.cdn.example.org/v/1")
        #expect(url.isUnder(domain: "example.org"))
        #expect(!url.isUnder(domain: "ample.org"))
        #expect(try ContentURL.normaliseDomain("Example.ORG.") == "example.org")
        #expect(throws: RuleError.self) { try ContentURL.normaliseDomain("not a domain") }
    }
}

@Suite struct CaseActionTests {
    @Test func anOrderCannotBeRefusedAndAReferralHasNoClockToPause() {
        #expect(throws: RuleError.self) {
            try CaseAction.refuse("no").transition(kind: .removalOrder, state: .received, pause: nil, reinstatable: false, by: .platform)
        }
        #expect(throws: RuleError.self) {
            try CaseAction.reportInability(.forceMajeure, detail: "flood").transition(
                kind: .referral, state: .received, pause: nil, reinstatable: false, by: .platform)
        }
    }

    @Test func onlyTheRightSideActsAndOnlyFromTheRightState() throws {
        #expect(throws: RuleError.self) {
            try CaseAction.acknowledge.transition(kind: .referral, state: .received, pause: nil, reinstatable: false, by: .issuer)
        }
        #expect(throws: RuleError.self) {
            try CaseAction.acknowledge.transition(kind: .referral, state: .removed, pause: nil, reinstatable: false, by: .platform)
        }
        let paused = try CaseAction.reportInability(.missingInformation, detail: "which video?").transition(
            kind: .removalOrder, state: .acknowledged, pause: nil, reinstatable: false, by: .platform)
        #expect(paused.state == .suspended && paused.clock == .pause)
        // Missing information is resolved by the issuer's clarification, not by the platform.
        #expect(throws: RuleError.self) {
            try CaseAction.resume.transition(kind: .removalOrder, state: .suspended, pause: .missingInformation, reinstatable: false, by: .platform)
        }
        let restarted = try CaseAction.clarify("the one at 0:42").transition(
            kind: .removalOrder, state: .suspended, pause: .missingInformation, reinstatable: false, by: .issuer)
        #expect(restarted.state == .acknowledged && restarted.clock == .restart)
        #expect(throws: RuleError.self) {
            try CaseAction.reinstate.transition(kind: .removalOrder, state: .removed, pause: nil, reinstatable: false, by: .platform)
        }
        #expect(try CaseAction.reinstate.transition(kind: .removalOrder, state: .removed, pause: nil, reinstatable: true, by: .platform).state == .reinstated)
    }
}

@Suite struct OrderClockTests {
    let received = Date(timeIntervalSince1970: 1_790_000_000)

    @Test func theHourRunsFromReceiptAndAFirstOrderComesWithNotice() {
        let clock = OrderClock()
        #expect(clock.deadline(from: received) == received.addingTimeInterval(3600))
        #expect(clock.deadline(from: received, firstOrder: true) == received.addingTimeInterval(13 * 3600))
        #expect(clock.deadline(from: received, firstOrder: true, emergency: true) == received.addingTimeInterval(3600))
    }

    @Test func alertsAtFifteenAndFiveMinutesAndOnBreachOnlyTheLatestWhenSeveralPassed() {
        let clock = OrderClock()
        let deadline = received.addingTimeInterval(3600)
        var state = clock.alerts(deadline: deadline, sent: [], now: received)
        #expect(state.due == nil && state.next == deadline.addingTimeInterval(-900))
        state = clock.alerts(deadline: deadline, sent: [], now: deadline.addingTimeInterval(-899))
        #expect(state.due == .fifteenMinutes && state.next == deadline.addingTimeInterval(-300))
        state = clock.alerts(deadline: deadline, sent: state.passed, now: deadline.addingTimeInterval(-10))
        #expect(state.due == .fiveMinutes && state.next == deadline)
        // The hub was down through the deadline: only the breach goes out.
        state = clock.alerts(deadline: deadline, sent: [], now: deadline.addingTimeInterval(5))
        #expect(state.due == .breach && state.passed == Set(DeadlineAlert.allCases) && state.next == nil)
    }
}

@Suite struct CanonicalJSONTests {
    @Test func sortsMembersAndEscapesMinimally() throws {
        let value = try JSONDecoder().decode(CanonicalJSON.self, from: Data(#"{"b": [1, 2.5, true, null], "a": "x\"y\n/é", "A": {}}"#.utf8))
        #expect(String(decoding: value.bytes, as: UTF8.self) == #"{"A":{},"a":"x\"y\n/é","b":[1,2.5,true,null]}"#)
    }

    @Test func anOrderNeedsReasonsAndValidURLs() {
        let order = RemovalOrderContent(referenceNumber: "R-1", issuingAuthority: UUID(), platform: UUID(), urls: ["https://x.org/1"],
                                        reasons: [], statement: "s", legalBasis: "l", redress: "r", issuedAt: "2026-11-23T10:00:00Z")
        #expect(throws: RuleError.self) { try order.validate() }
        var fixed = order
        fixed.reasons = [.incitement]
        #expect((try? fixed.validate())?.urls.count == 1)
        fixed.urls = ["not a url"]
        #expect(throws: RuleError.self) { try fixed.validate() }
    }
}
