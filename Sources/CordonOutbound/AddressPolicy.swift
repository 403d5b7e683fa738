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

    /// Resolves `host` and checks every address it has; returns the one to connect to
    /// (and only to: see ``PinnedClients``), or says that one is refused.
    @discardableResult
    public func check(host: String, port: Int) async throws(OutboundError) -> String {
        let addresses: [SocketAddress]
        do {
            addresses = try await Self.resolve(host: host, port: port)
        } catch {
            throw .unresolvable(host)
        }
        guard let first = addresses.first?.ipAddress else { throw .unresolvable(host) }
        for address in addresses {
            if refusal(of: address) != nil { throw .refusedAddress(host: host) }
        }
        return first
    }

    /// Why `address` is refused, or nil if it is allowed.
    public func refusal(of address: SocketAddress) -> String? {
        guard let kind = Self.classify(address) else { return nil }
        switch kind {
        case .loopback: return allowLoopback ? nil : "loopback"
        case .private, .linkLocal: return allowPrivate ? nil : kind.rawValue
        case .unspecified, .multicast, .reserved, .tunnel: return kind.rawValue
        }
    }

    enum Kind: String {
        case loopback, `private`, linkLocal = "link-local", unspecified, multicast, reserved
        /// Teredo: the IPv4 side is not ours to see.
        case tunnel
    }

    /// What kind of special address this is; nil for a public one.
    static func classify(_ address: SocketAddress) -> Kind? {
        switch address {
        case .v4(let v4):
            return classify(v4: UInt32(bigEndian: v4.address.sin_addr.s_addr))
        case .v6(let v6):
            var storage = v6.address.sin6_addr
            let bytes = withUnsafeBytes(of: &storage) { Array($0) }
            func v4(at i: Int) -> UInt32 {
                UInt32(bytes[i]) << 24 | UInt32(bytes[i + 1]) << 16 | UInt32(bytes[i + 2]) << 8 | UInt32(bytes[i + 3])
            }
            if bytes[0..<15].allSatisfy({ $0 == 0 }) { return bytes[15] == 1 ? .loopback : .unspecified }
            // IPv4 inside IPv6: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64
            // (64:ff9b::/96) and 6to4 (2002:AABB:CCDD::/16) reach the IPv4 address they carry.
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff { return classify(v4: v4(at: 12)) }
            if bytes[0..<12].allSatisfy({ $0 == 0 }) { return classify(v4: v4(at: 12)) ?? .reserved }
            if bytes[0..<12] == [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] { return classify(v4: v4(at: 12)) }
            if bytes[0] == 0x20 && bytes[1] == 0x02 { return classify(v4: v4(at: 2)) }
            if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0 && bytes[3] == 0 { return .tunnel }
            if bytes[0] & 0xfe == 0xfc { return .private }
            if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return .linkLocal }
            // Site-local (deprecated, still routed inside some networks).
            if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0xc0 { return .private }
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
        if within(0xe000_0000, 4) { return .multicast }
        // IANA special-purpose: 240/4 (reserved, and the broadcast address), benchmarking
        // 198.18/15, protocol assignments 192.0.0/24, and the three documentation nets.
        if within(0xf000_0000, 4) || within(0xc612_0000, 15) || within(0xc000_0000, 24) || within(0xc000_0200, 24)
            || within(0xc633_6400, 24) || within(0xcb00_7100, 24) { return .reserved }
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
    case refusedAddress(host: String)
    case tooManyRedirects(Int)
    case failed(String)

    public var description: String {
        switch self {
        case .invalidURL(let url): "'\(url.prefix(100))' is not an http(s) URL"
        case .unresolvable(let host): "the host '\(host)' does not resolve"
        case .refusedAddress(let host):
            // Neither the address nor its kind is said: the answer would map internal names.
            "'\(host.prefix(100))' does not resolve to a public address; the hub contacts public addresses only"
        case .tooManyRedirects(let count): "more than \(count) redirects"
        case .failed(let message): message
        }
    }
}
