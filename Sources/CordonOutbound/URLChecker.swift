import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Fetches a referred URL to see whether the content is still up: follows a bounded
/// number of redirects itself (checking each hop's address), with a timeout and a cap
/// on how much of the body it reads.
public struct URLChecker: Sendable {
    /// What a check found.
    public struct Result: Sendable, Hashable {
        public enum Outcome: String, Sendable { case live, gone, error }
        public var outcome: Outcome
        public var statusCode: Int?
        public var detail: String
    }

    let client: HTTPClient
    public var policy: AddressPolicy
    public var maxRedirects: Int
    public var timeout: TimeAmount
    public var maxBodyBytes: Int

    public init(client: HTTPClient, policy: AddressPolicy = .publicOnly, maxRedirects: Int = 5,
                timeout: TimeAmount = .seconds(10), maxBodyBytes: Int = 1 << 20) {
        self.client = client
        self.policy = policy
        self.maxRedirects = maxRedirects
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
    }

    /// A client for checks and webhooks: it never follows redirects on its own.
    /// A client for the checker and the webhook sender. Up to 64 connections per host:
    /// one receiver that answers slowly (or a burst of alerts) must not queue the rest
    /// behind AsyncHTTPClient's default of 8.
    public static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10)))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Live (2xx), gone (404, 410, 451) or error (anything else, with the reason).
    public func check(_ text: String) async -> Result {
        var url = text
        for _ in 0...maxRedirects {
            guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  let host = parsed.host, !host.isEmpty
            else { return Result(outcome: .error, statusCode: nil, detail: OutboundError.invalidURL(url).description) }
            do {
                try await policy.check(host: host, port: parsed.port ?? (scheme == "https" ? 443 : 80))
                var request = HTTPClientRequest(url: url)
                request.headers.add(name: "User-Agent", value: "Cordon-RemovalChecker/1")
                let response = try await client.execute(request, timeout: timeout)
                var read = 0
                for try await chunk in response.body {
                    read += chunk.readableBytes
                    if read >= maxBodyBytes { break }
                }
                let status = Int(response.status.code)
                switch status {
                case 200..<300: return Result(outcome: .live, statusCode: status, detail: "HTTP \(status)")
                case 404, 410, 451: return Result(outcome: .gone, statusCode: status, detail: "HTTP \(status)")
                case 300..<400:
                    guard let location = response.headers.first(name: "location"),
                          let next = URL(string: location, relativeTo: parsed)?.absoluteString
                    else { return Result(outcome: .error, statusCode: status, detail: "HTTP \(status) without a Location") }
                    url = next
                default: return Result(outcome: .error, statusCode: status, detail: "HTTP \(status)")
                }
            } catch let error as OutboundError {
                return Result(outcome: .error, statusCode: nil, detail: error.description)
            } catch {
                return Result(outcome: .error, statusCode: nil, detail: "fetch failed: \(error)")
            }
        }
        return Result(outcome: .error, statusCode: nil, detail: OutboundError.tooManyRedirects(maxRedirects).description)
    }
}
