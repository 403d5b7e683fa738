import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Posts one signed event to one webhook and says whether it arrived (any 2xx).
public struct WebhookSender: Sendable {
    let clients: PinnedClients
    public var policy: AddressPolicy
    /// Until the receiver's answer begins.
    public var timeout: TimeAmount
    /// For the whole delivery, its answer's body included.
    public var totalTimeout: Duration

    public init(clients: PinnedClients, policy: AddressPolicy = .publicOnly, timeout: TimeAmount = .seconds(5),
                totalTimeout: Duration = .seconds(15)) {
        self.clients = clients
        self.policy = policy
        self.timeout = timeout
        self.totalTimeout = totalTimeout
    }

    /// Checks a target before it is registered: an http(s) URL whose host resolves to an
    /// allowed address. Returns the host and the address vetted.
    @discardableResult
    public static func validate(_ text: String, policy: AddressPolicy) async throws(OutboundError) -> (host: String, address: String) {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty
        else { throw .invalidURL(text) }
        // Case events and crisis hashes must not cross the network in clear text; plain
        // http is for receivers on loopback, which only a test's policy allows.
        guard scheme == "https" || policy.allowLoopback else {
            throw .failed("'\(text.prefix(100))' is plain http: a webhook must be an https URL")
        }
        return (host, try await policy.check(host: host, port: url.port ?? (scheme == "https" ? 443 : 80)))
    }

    /// Delivers `body`; nil on success, else why it failed.
    public func send(to url: String, body: String, secret: String, event: String, delivery: Int, now: Date) async -> String? {
        do {
            let (host, address) = try await Self.validate(url, policy: policy)
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            let bytes = Array(body.utf8)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Cordon-Event", value: event)
            request.headers.add(name: "Cordon-Delivery", value: String(delivery))
            request.headers.add(name: WebhookSignature.header,
                                value: WebhookSignature.sign(body: bytes, secret: secret, timestamp: Int(now.timeIntervalSince1970)))
            request.body = .bytes(ByteBuffer(bytes: bytes))
            let client = clients.client(host: host, address: address)
            return try await withDeadline(totalTimeout) { [request, timeout] in
                let response = try await client.execute(request, timeout: timeout)
                _ = try? await response.body.collect(upTo: 64 << 10)
                return (200..<300).contains(Int(response.status.code)) ? nil : "HTTP \(response.status.code)"
            }
        } catch let error as OutboundError {
            return error.description
        } catch {
            return "\(error)"
        }
    }
}
