import CordonDomain
import CordonStore
import Foundation
import Synchronization

/// The running campaigns and each organisation's member state, held for the match path:
/// read again from the store at most every two seconds (so every replica sees a partner's
/// edit within that), and at once after a write here.
final class CampaignShelf: Sendable {
    private struct Shelf {
        var campaigns: [Campaign] = []
        var memberStates: [UUID: String] = [:]
        var readAt: ContinuousClock.Instant?
    }

    private let shelf = Mutex(Shelf())
    private let store: HubStore
    static let freshFor: Duration = .seconds(2)

    init(store: HubStore) {
        self.store = store
    }

    /// Forgets what was read, so the next look reads the store.
    func invalidate() {
        shelf.withLock { $0.readAt = nil }
    }

    /// The campaigns and member states, read again if stale.
    func current() async throws -> (campaigns: [Campaign], memberStates: [UUID: String]) {
        let now = ContinuousClock.now
        if let fresh = shelf.withLock({ shelf in shelf.readAt.map { now - $0 < Self.freshFor } == true ? (shelf.campaigns, shelf.memberStates) : nil }) {
            return fresh
        }
        let campaigns = try await store.campaigns()
        var states: [UUID: String] = [:]
        for organisation in try await store.organisations() {
            if let id = organisation.id, let state = organisation.memberState { states[id] = state }
        }
        shelf.withLock { $0 = Shelf(campaigns: campaigns, memberStates: states, readAt: now) }
        return (campaigns, states)
    }
}
