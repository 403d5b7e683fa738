import CordonDomain
import CordonStore
import Foundation
import Synchronization

/// Keys and memberships in memory, so authenticating and authorising a request costs no
/// query. Reloaded after every local change of keys or memberships and whenever another
/// replica announces one, so a revoked key stops working everywhere within a second.
final class AccessCache: Sendable {
    private let snapshot = Mutex(AccessSnapshot())
    private let store: HubStore

    init(store: HubStore) {
        self.store = store
    }

    func reload() async throws {
        let fresh = try await store.accessSnapshot()
        snapshot.withLock { $0 = fresh }
    }

    /// The caller a secret belongs to. A key this process has not heard of yet (made by
    /// `cordon admin` beside a running server on SQLite) is looked up in the store.
    func caller(secret: String) async throws -> Caller? {
        let hash = HubStore.hashSecret(secret)
        if let caller = snapshot.withLock({ $0.callers[hash] }) { return caller }
        guard let caller = try await store.authenticate(secret: secret) else { return nil }
        try await reload()
        return caller
    }

    /// Collections of drills, which ordinary matching leaves out.
    var drillCollections: Set<UUID> { snapshot.withLock { $0.drillCollections } }

    /// The organisation's collections, with its access to each.
    func memberships(of organisationID: UUID) -> [UUID: CollectionAccess] {
        snapshot.withLock { $0.memberships[organisationID] ?? [:] }
    }
}
