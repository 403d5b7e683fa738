import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Posts one signed event to one webhook and says whether it arrived (any 2xx).
public struct WebhookSender: Sendable {
    let client: HTTPClient
    public var policy: AddressPolicy
    public var timeout: TimeAmount

    public init(client: HTTPClient, policy: AddressPolicy = .publicOnly, timeout: TimeAmount = .seconds(5)) {
        self.client = client
        self.policy = policy
        self.timeout = timeout
    }

    /// Checks a target before it is registered: an http(s) URL whose host resolves to an allowed address.
    public static func validate(_ text: String, policy: AddressPolicy) async throws(OutboundError) {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty
        else { throw .invalidURL(text) }
        try await policy.check(host: host, port: url.port ?? (scheme == "https" ? 443 : 80))
    }

    /// Delivers `body`; nil on success, else why it failed.
    public func send(to url: String, body: String, secret: String, event: String, delivery: Int, now: Date) async -> String? {
        do {
            try await Self.validate(url, policy: policy)
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            let bytes = Array(body.utf8)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Cordon-Event", value: event)
            request.headers.add(name: "Cordon-Delivery", value: String(delivery))
            request.headers.add(name: WebhookSignature.header,
                                value: WebhookSignature.sign(body: bytes, secret: secret, timestamp: Int(now.timeIntervalSince1970)))
            request.body = .bytes(ByteBuffer(bytes: bytes))
            let response = try await client.execute(request, timeout: timeout)
            _ = try? await response.body.collect(upTo: 64 << 10)
            return (200..<300).contains(Int(response.status.code)) ? nil : "HTTP \(response.status.code)"
        } catch let error as OutboundError {
            return error.description
        } catch {
            return "\(error)"
        }
    }
}
