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
    }

    private let state = Mutex(State())
    private let store: HubStore
    private let load: @Sendable () async throws -> AccessSnapshot

    /// `load` reads a snapshot (the store's, unless a test slows one down).
    init(store: HubStore, load: (@Sendable () async throws -> AccessSnapshot)? = nil) {
        self.store = store
        self.load = load ?? { try await store.accessSnapshot() }
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
        }
    }

    /// The caller a secret belongs to. A key this process has not heard of yet (made by
    /// `cordon admin` beside a running server on SQLite) is looked up in the store.
    func caller(secret: String) async throws -> Caller? {
        let hash = HubStore.hashSecret(secret)
        if let caller = state.withLock({ $0.snapshot.callers[hash] }) { return caller }
        guard let caller = try await store.authenticate(secret: secret) else { return nil }
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
