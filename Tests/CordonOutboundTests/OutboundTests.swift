import AsyncHTTPClient
import CordonOutbound
import Foundation
import NIOCore
import Testing

@Suite struct AddressPolicyTests {
    @Test(arguments: ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "::1",
                      "fe80::1", "fd00::1", "::ffff:127.0.0.1", "0.0.0.0"])
    func refusesNonPublicAddresses(address: String) async {
        await #expect(throws: OutboundError.self) { try await AddressPolicy.publicOnly.check(host: address, port: 80) }
    }

    @Test func allowsPublicAddressesAndLoopbackWhenAskedTo() async throws {
        try await AddressPolicy.publicOnly.check(host: "93.184.216.34", port: 443)
        try await AddressPolicy.publicOnly.check(host: "2606:4700::1", port: 443)
        try await AddressPolicy.loopbackAllowed.check(host: "127.0.0.1", port: 80)
        await #expect(throws: OutboundError.self) { try await AddressPolicy.loopbackAllowed.check(host: "10.0.0.1", port: 80) }
    }

    @Test func theCheckerRefusesLoopbackByDefault() async throws {
        let client = URLChecker.makeClient()
        let result = await URLChecker(client: client).check("http://127.0.0.1:9/page")
        try await client.shutdown()
        #expect(result.outcome == .error && result.detail.contains("loopback"))
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
