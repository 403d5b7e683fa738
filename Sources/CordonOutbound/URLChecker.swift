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

    let clients: PinnedClients
    public var policy: AddressPolicy
    public var maxRedirects: Int
    /// Each hop's timeout (AsyncHTTPClient's: it ends once the head arrives).
    public var timeout: TimeAmount
    /// The whole check's, every hop and body included.
    public var totalTimeout: Duration
    public var maxBodyBytes: Int
    /// What the checker calls itself: a browser's name, so a host learns nothing from it
    /// that a referral exists (and cannot cloak its content from the checker alone).
    public var userAgent: String

    public init(clients: PinnedClients, policy: AddressPolicy = .publicOnly, maxRedirects: Int = 5,
                timeout: TimeAmount = .seconds(10), totalTimeout: Duration = .seconds(30), maxBodyBytes: Int = 1 << 20,
                userAgent: String = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0") {
        self.clients = clients
        self.policy = policy
        self.maxRedirects = maxRedirects
        self.timeout = timeout
        self.totalTimeout = totalTimeout
        self.maxBodyBytes = maxBodyBytes
        self.userAgent = userAgent
    }

    /// Live (2xx), gone (404, 410, 451) or error (anything else, with the reason).
    public func check(_ text: String) async -> Result {
        do {
            return try await withDeadline(totalTimeout) { await follow(text) }
        } catch {
            return Result(outcome: .error, statusCode: nil, detail: "\(error)")
        }
    }

    private func follow(_ text: String) async -> Result {
        var url = text
        for _ in 0...maxRedirects {
            guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  let host = parsed.host, !host.isEmpty
            else { return Result(outcome: .error, statusCode: nil, detail: OutboundError.invalidURL(url).description) }
            do {
                let address = try await policy.check(host: host, port: parsed.port ?? (scheme == "https" ? 443 : 80))
                var request = HTTPClientRequest(url: url)
                request.headers.add(name: "User-Agent", value: userAgent)
                let response = try await clients.client(host: host, address: address).execute(request, timeout: timeout)
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
