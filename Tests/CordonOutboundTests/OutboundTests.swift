import AsyncHTTPClient
@testable import CordonOutbound
import Foundation
import NIOCore
import Testing

@Suite struct AddressPolicyTests {
    @Test(arguments: ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "::1",
                      "fe80::1", "fd00::1", "::ffff:127.0.0.1", "0.0.0.0",
                      // Review finding F3: IPv4 carried in IPv6 (NAT64, 6to4, IPv4-compatible),
                      // Teredo, site-local, and IANA's reserved IPv4 ranges.
                      "64:ff9b::7f00:1", "64:ff9b::a00:1", "2002:7f00:1::1", "2002:c0a8:101::1", "::7f00:1", "::a00:1",
                      "::808:808", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "fec0::1", "240.0.0.1", "255.255.255.255",
                      "198.18.0.1", "192.0.0.8", "192.0.2.1", "198.51.100.7", "203.0.113.9"])
    func refusesNonPublicAddresses(address: String) async {
        await #expect(throws: OutboundError.self) { try await AddressPolicy.publicOnly.check(host: address, port: 80) }
    }

    @Test func aWebhookMustBeHTTPSUnlessOnLoopback() async throws {
        // Review finding F14: case events and crisis hashes never travel in clear text.
        await #expect(throws: OutboundError.self) { try await WebhookSender.validate("http://93.184.216.34/hook", policy: .publicOnly) }
        try await WebhookSender.validate("https://93.184.216.34/hook", policy: .publicOnly)
        try await WebhookSender.validate("http://127.0.0.1:8080/hook", policy: .loopbackAllowed)
    }

    @Test func aRefusalDoesNotSayWhereANameLeads() async {
        // An admin registering a webhook must not learn internal names' addresses.
        do {
            try await AddressPolicy.publicOnly.check(host: "localhost", port: 80)
            Issue.record("localhost was allowed")
        } catch {
            #expect(!error.description.contains("127.0.0.1") && !error.description.contains("::1") && !error.description.contains("loopback"),
                    "\(error.description)")
        }
    }

    @Test func allowsPublicAddressesAndLoopbackWhenAskedTo() async throws {
        try await AddressPolicy.publicOnly.check(host: "93.184.216.34", port: 443)
        try await AddressPolicy.publicOnly.check(host: "2606:4700::1", port: 443)
        // NAT64 and 6to4 of a public IPv4 address are public.
        try await AddressPolicy.publicOnly.check(host: "64:ff9b::808:808", port: 443)
        try await AddressPolicy.publicOnly.check(host: "2002:808:808::1", port: 443)
        try await AddressPolicy.loopbackAllowed.check(host: "127.0.0.1", port: 80)
        await #expect(throws: OutboundError.self) { try await AddressPolicy.loopbackAllowed.check(host: "10.0.0.1", port: 80) }
    }

    @Test func theCheckerRefusesLoopbackByDefault() async throws {
        let clients = PinnedClients()
        let result = await URLChecker(clients: clients).check("http://127.0.0.1:9/page")
        await clients.shutdown()
        #expect(result.outcome == .error && result.detail.contains("not resolve to a public address"))
    }

    @Test func aPinnedClientConnectsToTheVettedAddressNotToAFreshLookup() async throws {
        // "localhost" resolves to 127.0.0.1; the policy vetted 127.0.0.2. The request must
        // reach the server on 127.0.0.2 (what was approved), never the one on 127.0.0.1
        // (what a second lookup would give: DNS rebinding).
        let vetted = try ScriptedServer(host: "127.0.0.2", answer: .text("vetted"))
        let other = try ScriptedServer(host: "127.0.0.1", port: vetted.port, answer: .text("rebound"))
        defer { vetted.stop(); other.stop() }
        let clients = PinnedClients()
        let response = try await clients.client(host: "localhost", address: "127.0.0.2")
            .execute(HTTPClientRequest(url: "http://localhost:\(vetted.port)/"), timeout: .seconds(5))
        let body = String(buffer: try await response.body.collect(upTo: 1024))
        await clients.shutdown()
        #expect(body == "vetted")
        #expect(other.connections == 0)
    }

    @Test func retiredClientsAreShutDownOnceNoRequestCanUseThem() async throws {
        // The checker meets thousands of hosts over weeks: a client pushed out of the table
        // must not be kept (with its connection pool) until the hub stops.
        let clients = PinnedClients(capacity: 2, grace: .milliseconds(100))
        for host in ["a.example", "b.example", "c.example", "d.example"] {
            _ = clients.client(host: host, address: "127.0.0.1")
        }
        #expect(clients.retiredCount == 2)
        _ = clients.client(host: "a.example", address: "127.0.0.2")  // an address change retires one too
        #expect(clients.retiredCount == 3)
        try await Task.sleep(for: .milliseconds(150))
        _ = clients.client(host: "e.example", address: "127.0.0.1")
        #expect(clients.retiredCount == 1, "the three past their grace were shut down; only the one just pushed out is kept")
        await clients.shutdown()
        #expect(clients.retiredCount == 0)
    }

    @Test func aBodyThatTricklesEndsAtTheTotalDeadline() async throws {
        // One byte a second never trips a read timeout (review finding F10). Without a
        // deadline, both would read all 20 bytes and call the page live and the delivery made.
        let drip = try ScriptedServer(host: "127.0.0.1", answer: .drip(every: 1))
        defer { drip.stop() }
        let clients = PinnedClients()
        let checker = URLChecker(clients: clients, policy: .loopbackAllowed, totalTimeout: .seconds(3))
        let result = await checker.check("http://127.0.0.1:\(drip.port)/slow")
        let sender = WebhookSender(clients: clients, policy: .loopbackAllowed, totalTimeout: .seconds(3))
        let failure = await sender.send(to: "http://127.0.0.1:\(drip.port)/hook", body: "{}", secret: "s", event: "e", delivery: 1, now: Date())
        await clients.shutdown()
        #expect(result.outcome == .error && result.detail.contains("within 3 s"), "\(result)")
        #expect(failure?.contains("within 3 s") == true, "\(failure ?? "delivered")")
    }
}

@Suite struct WebhookSignatureTests {
    let body = Array(#"{"event":"deadline-breached"}"#.utf8)

    @Test func verifiesItsOwnSignatureAndRejectsForgeriesAndReplays() {
        let now = Date()
        let header = WebhookSignature.sign(body: body, secret: "whsec_a", timestamp: Int(now.timeIntervalSince1970))
        #expect(WebhookSignature.verify(header: header, body: body, secret: "whsec_a", now: now))
        #expect(!WebhookSignature.verify(header: header, body: body, secret: "whsec_b", now: now))
        #expect(!WebhookSignature.verify(header: header, body: body + [0x20], secret: "whsec_a", now: now))
        #expect(!WebhookSignature.verify(header: header, body: body, secret: "whsec_a", now: now.addingTimeInterval(3600)))
        #expect(!WebhookSignature.verify(header: "t=1,v1=00", body: body, secret: "whsec_a", now: now))
    }
}
