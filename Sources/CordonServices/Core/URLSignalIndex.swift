import CordonDomain
import Foundation
import Synchronization

/// URL signals by their normal form, for the three ways a platform blocks links
/// (``URLMatchMode``).
final class URLSignalIndex: Sendable {
    private struct State {
        /// Normal form without the scheme → signal ids.
        var byAddress: [String: Set<Int>] = [:]
        /// Host → (signal id, normal form without the scheme).
        var byHost: [String: [Int: String]] = [:]
    }

    private let state = Mutex(State())

    func insert(_ url: String, id: Int) {
        guard let (address, host) = Self.parts(url) else { return }
        state.withLock { state in
            state.byAddress[address, default: []].insert(id)
            state.byHost[host, default: [:]][id] = address
        }
    }

    func remove(_ url: String, id: Int) {
        guard let (address, host) = Self.parts(url) else { return }
        state.withLock { state in
            state.byAddress[address]?.remove(id)
            if state.byAddress[address]?.isEmpty == true { state.byAddress[address] = nil }
            state.byHost[host]?[id] = nil
            if state.byHost[host]?.isEmpty == true { state.byHost[host] = nil }
        }
    }

    /// The ids of the shared URLs `url` (a normal form) matches under `mode`.
    func lookup(_ url: String, mode: URLMatchMode) -> [Int] {
        guard let (address, host) = Self.parts(url) else { return [] }
        return state.withLock { state in
            switch mode {
            case .exact:
                return Array(state.byAddress[address] ?? [])
            case .host, .prefix:
                return (state.byHost[host] ?? [:]).compactMap { id, shared in
                    mode == .host || Self.covers(shared, address) ? id : nil
                }
            }
        }
    }

    /// Whether shared address `a` covers `b` by path: the same host, and `b`'s path at or
    /// under `a`'s.
    private static func covers(_ a: String, _ b: String) -> Bool {
        guard b.hasPrefix(a) else { return false }
        if a.hasSuffix("/") || b.count == a.count { return true }
        let next = b[b.index(b.startIndex, offsetBy: a.count)]
        return next == "/" || next == "?"
    }

    /// A normal form's address (without `scheme://`) and host.
    private static func parts(_ url: String) -> (String, String)? {
        guard let range = url.range(of: "://") else { return nil }
        let address = String(url[range.upperBound...])
        let hostEnd = address.firstIndex(where: { $0 == "/" || $0 == ":" || $0 == "?" }) ?? address.endIndex
        return (address, String(address[..<hostEnd]))
    }
}
