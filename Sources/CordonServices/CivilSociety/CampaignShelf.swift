import CordonDomain
import CordonStore
import Foundation
import Synchronization

/// The running campaigns and each organisation's member state, held for the match path:
/// read again from the store at most every two seconds (so every replica sees a partner's
/// edit within that), and at once after a write here.
///
/// One read at a time: when the shelf has aged, the first caller starts a read and every
/// caller meanwhile gets what the shelf holds. (Each matched request read the store itself
/// once the two seconds were up; under load on PostgreSQL hundreds of them waited for a
/// connection at once and some waited 30 s.) After ``invalidate()`` callers wait for a read
/// that started after it.
final class CampaignShelf: Sendable {
    typealias Contents = (campaigns: [Campaign], memberStates: [UUID: String])

    private struct Shelf {
        var contents: Contents = ([], [:])
        /// When the read now on the shelf started; nil before the first and after ``invalidate()``.
        var readAt: ContinuousClock.Instant?
        /// The read under way, if any, and the generation it started in.
        var reading: (task: Task<Void, any Error>, generation: Int)?
        /// Raised by every ``invalidate()``: a read from an older generation is not shelved.
        var generation = 0
    }

    private let shelf = Mutex(Shelf())
    private let load: @Sendable () async throws -> Contents
    static let freshFor: Duration = .seconds(2)

    /// `load` reads what goes on the shelf (a test's counts or slows the reads).
    init(load: @escaping @Sendable () async throws -> Contents) {
        self.load = load
    }

    convenience init(store: HubStore) {
        self.init {
            let campaigns = try await store.campaigns()
            var states: [UUID: String] = [:]
            for organisation in try await store.organisations() {
                if let id = organisation.id, let state = organisation.memberState { states[id] = state }
            }
            return (campaigns, states)
        }
    }

    /// Forgets what was read, so the next look reads the store.
    func invalidate() {
        shelf.withLock { shelf in
            shelf.generation += 1
            shelf.readAt = nil
        }
    }

    /// The campaigns and member states: what the shelf holds, while fresh or while a read
    /// refreshes it; otherwise after a read.
    func current() async throws -> Contents {
        while true {
            let now = ContinuousClock.now
            let wait = shelf.withLock { shelf -> Task<Void, any Error>? in
                let reading = shelf.reading.flatMap { $0.generation == shelf.generation ? $0.task : nil }
                if let readAt = shelf.readAt {
                    if now - readAt >= Self.freshFor, reading == nil { startRead(&shelf) }
                    return nil
                }
                return reading ?? startRead(&shelf)
            }
            guard let wait else { return shelf.withLock { $0.contents } }
            try await wait.value
        }
    }

    @discardableResult
    private func startRead(_ shelf: inout Shelf) -> Task<Void, any Error> {
        let generation = shelf.generation
        let task = Task { [load] in
            let started = ContinuousClock.now
            do {
                let contents = try await load()
                self.shelf.withLock { shelf in
                    if shelf.reading?.generation == generation { shelf.reading = nil }
                    guard shelf.generation == generation else { return }
                    shelf.contents = contents
                    shelf.readAt = started
                }
            } catch {
                self.shelf.withLock { shelf in
                    if shelf.reading?.generation == generation { shelf.reading = nil }
                }
                throw error
            }
        }
        shelf.reading = (task, generation)
        return task
    }
}
