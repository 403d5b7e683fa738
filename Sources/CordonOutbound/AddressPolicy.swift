import Foundation
import NIOCore
import NIOPosix

/// Which network addresses the hub may fetch from or post to. By default only public
/// ones: a URL (a referred page, a webhook target) must never make the hub reach into its
/// own network. Tests allow loopback.
public struct AddressPolicy: Sendable, Hashable {
    public var allowLoopback: Bool
    /// Also private (10/8, 172.16/12, 192.168/16, fc00::/7), carrier-grade NAT and link-local.
    public var allowPrivate: Bool

    public static let publicOnly = AddressPolicy(allowLoopback: false, allowPrivate: false)
    public static let loopbackAllowed = AddressPolicy(allowLoopback: true, allowPrivate: false)

    public init(allowLoopback: Bool, allowPrivate: Bool) {
        self.allowLoopback = allowLoopback
        self.allowPrivate = allowPrivate
    }

    /// Resolves `host` and checks every address it has, or says which one is refused.
    public func check(host: String, port: Int) async throws(OutboundError) {
        let addresses: [SocketAddress]
        do {
            addresses = try await Self.resolve(host: host, port: port)
        } catch {
            throw .unresolvable(host)
        }
        guard !addresses.isEmpty else { throw .unresolvable(host) }
        for address in addresses {
            if let refusal = refusal(of: address) { throw .refusedAddress(host: host, address: address.ipAddress ?? "?", reason: refusal) }
        }
    }

    /// Why `address` is refused, or nil if it is allowed.
    public func refusal(of address: SocketAddress) -> String? {
        guard let kind = Self.classify(address) else { return nil }
        switch kind {
        case .loopback: return allowLoopback ? nil : "loopback"
        case .private, .linkLocal: return allowPrivate ? nil : kind.rawValue
        case .unspecified, .multicast: return kind.rawValue
        }
    }

    enum Kind: String {
        case loopback, `private`, linkLocal = "link-local", unspecified, multicast
    }

    /// What kind of special address this is; nil for a public one.
    static func classify(_ address: SocketAddress) -> Kind? {
        switch address {
        case .v4(let v4):
            return classify(v4: UInt32(bigEndian: v4.address.sin_addr.s_addr))
        case .v6(let v6):
            var storage = v6.address.sin6_addr
            let bytes = withUnsafeBytes(of: &storage) { Array($0) }
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
                return classify(v4: UInt32(bytes[12]) << 24 | UInt32(bytes[13]) << 16 | UInt32(bytes[14]) << 8 | UInt32(bytes[15]))
            }
            if bytes[0..<15].allSatisfy({ $0 == 0 }) { return bytes[15] == 1 ? .loopback : .unspecified }
            if bytes[0] & 0xfe == 0xfc { return .private }
            if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return .linkLocal }
            if bytes[0] == 0xff { return .multicast }
            return nil
        default:
            return .unspecified
        }
    }

    static func classify(v4 address: UInt32) -> Kind? {
        func within(_ network: UInt32, _ bits: UInt32) -> Bool { address >> (32 - bits) == network >> (32 - bits) }
        if within(0x7f00_0000, 8) { return .loopback }
        if within(0x0000_0000, 8) { return .unspecified }
        if within(0x0a00_0000, 8) || within(0xac10_0000, 12) || within(0xc0a8_0000, 16) || within(0x6440_0000, 10) { return .private }
        if within(0xa9fe_0000, 16) { return .linkLocal }
        if within(0xe000_0000, 4) || address == 0xffff_ffff { return .multicast }
        return nil
    }

    /// Every address of `host` (getaddrinfo, off the event loops).
    static func resolve(host: String, port: Int) async throws -> [SocketAddress] {
        if let literal = try? SocketAddress(ipAddress: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: port) {
            return [literal]
        }
        return try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var result: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else { return [] }
            defer { freeaddrinfo(first) }
            var addresses: [SocketAddress] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let info = cursor {
                if let sockaddr = info.pointee.ai_addr {
                    switch Int32(info.pointee.ai_family) {
                    case AF_INET:
                        addresses.append(sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { SocketAddress($0.pointee, host: host) })
                    case AF_INET6:
                        addresses.append(sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { SocketAddress($0.pointee, host: host) })
                    default: break
                    }
                }
                cursor = info.pointee.ai_next
            }
            return addresses
        }
    }
}

/// Why an outgoing request was not made or failed.
public enum OutboundError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidURL(String)
    case unresolvable(String)
    case refusedAddress(host: String, address: String, reason: String)
    case tooManyRedirects(Int)
    case failed(String)

    public var description: String {
        switch self {
        case .invalidURL(let url): "'\(url.prefix(100))' is not an http(s) URL"
        case .unresolvable(let host): "the host '\(host)' does not resolve"
        case .refusedAddress(let host, let address, let reason):
            "'\(host)' resolves to \(address), a \(reason) address, which the hub does not contact (allow it in the address policy to test)"
        case .tooManyRedirects(let count): "more than \(count) redirects"
        case .failed(let message): message
        }
    }
}
