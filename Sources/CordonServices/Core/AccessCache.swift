import CordonDomain
import CordonStore
import Foundation
import Synchronization

/// Keys and memberships in memory, so authenticating and authorising a request costs no
/// query. Reloaded after every local change of keys or memberships, whenever another
/// replica announces one, and every second (``HubSynchroniser``), so a revoked key or a
/// suspended organisation stops working everywhere within a second even if a notification
/// is lost.
///
/// Reloads only move forward: each takes a ticket before it reads, and a snapshot is
/// installed only if no reload that started later has been installed already, so a slow
/// read can never put back a key revoked since.
final class AccessCache: Sendable {
    private struct State {
        var snapshot = AccessSnapshot()
        var issued = 0
        var installed = 0
        /// Hashes of secrets the store did not accept (unknown, revoked, suspended) since the
        /// last snapshot: a client retrying with a revoked key costs a query a second, not one
        /// a request. Emptied with each snapshot, so a reinstated organisation's keys work again.
        var refused = Set<String>()
    }

    /// At most this many refused hashes are remembered; past it the set starts again.
    static let refusedCapacity = 4096

    private let state = Mutex(State())
    private let load: @Sendable () async throws -> AccessSnapshot
    private let lookup: @Sendable (String) async throws -> Caller?

    /// `load` reads a snapshot and `lookup` one secret (the store's, unless a test slows
    /// one down or counts them).
    init(store: HubStore, load: (@Sendable () async throws -> AccessSnapshot)? = nil,
         lookup: (@Sendable (String) async throws -> Caller?)? = nil) {
        self.load = load ?? { try await store.accessSnapshot() }
        self.lookup = lookup ?? { try await store.authenticate(secret: $0) }
    }

    func reload() async throws {
        let ticket = state.withLock { state -> Int in
            state.issued += 1
            return state.issued
        }
        let fresh = try await load()
        state.withLock { state in
            guard ticket > state.installed else { return }
            state.snapshot = fresh
            state.installed = ticket
            state.refused.removeAll()
        }
    }

    /// The caller a secret belongs to. A key this process has not heard of yet (made by
    /// `cordon admin` beside a running server on SQLite) is looked up in the store, once
    /// per snapshot.
    func caller(secret: String) async throws -> Caller? {
        let hash = HubStore.hashSecret(secret)
        let (known, refused) = state.withLock { ($0.snapshot.callers[hash], $0.refused.contains(hash)) }
        if let known { return known }
        if refused { return nil }
        guard let caller = try await lookup(secret) else {
            state.withLock { state in
                if state.refused.count >= Self.refusedCapacity { state.refused.removeAll() }
                state.refused.insert(hash)
            }
            return nil
        }
        try await reload()
        return caller
    }

    /// The caller of a live key, by its id; `nil` once revoked or suspended.
    func caller(keyID: UUID) -> Caller? {
        state.withLock { $0.snapshot.keys[keyID] }
    }

    /// Collections of drills, which ordinary matching leaves out.
    var drillCollections: Set<UUID> { state.withLock { $0.snapshot.drillCollections } }

    /// The organisation's collections, with its access to each.
    func memberships(of organisationID: UUID) -> [UUID: CollectionAccess] {
        state.withLock { $0.snapshot.memberships[organisationID] ?? [:] }
    }

    /// The organisation that owns a collection (`nil` for incident collections).
    func owner(of collection: UUID) -> UUID? {
        state.withLock { $0.snapshot.owners[collection] }
    }

    func isOnBoard(_ organisation: UUID) -> Bool {
        state.withLock { $0.snapshot.board.contains(organisation) }
    }
}
