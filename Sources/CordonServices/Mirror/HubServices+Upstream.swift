import CordonDomain
import CordonStore
import Foundation
import VideoFeatures

/// A mirror's side of the hub: collections copied from an upstream hub's feed, applied
/// here as the hub has them, so local matching answers offline from the same catalog the
/// hub's own matching uses. These are the mirror's own steps, not a caller's use cases:
/// no key can reach them.
extension HubServices {
    /// The copied collections and where each stands against the hub.
    public func upstreamPositions() async throws -> [UUID: HubStore.UpstreamPosition] {
        try await storeCall { try await store.upstreamPositions() }
    }

    /// After a mirror queued webhook deliveries (published verdicts): the sender looks.
    public func deliveriesQueued() {
        deliveries.wake()
    }

    /// How many upstream changes the copy of `collection` has applied (one each; the first
    /// copy's signals are not changes).
    public func upstreamChangeCount(in collection: UUID) async throws -> Int {
        try await storeCall { try await store.changeCount(in: collection) }
    }

    /// How many of the hub's signals of `collection` are copied here, retracted ones too.
    public func upstreamSignalCount(in collection: UUID) async throws -> Int {
        try await storeCall { try await store.signalCount(in: collection) }
    }

    /// Starts (or keeps) copying `collection`, readable here by `reader`.
    public func adoptUpstream(_ collection: API.CollectionOut, reader: UUID) async throws {
        try await storeCall {
            try await store.adoptUpstreamCollection(id: collection.id, name: collection.name, description: collection.description,
                                                    incident: collection.incident, drill: collection.drill, reader: reader)
        }
        try await accessChanged()
    }

    /// Applies one page of the upstream feed of `collection` (with its cursor and what it
    /// means for the kept uploads, in one transaction); the catalog has it before this
    /// returns. Returns how many changes were new.
    @discardableResult
    public func applyUpstream(_ changes: [API.FeedPage.Change], in collection: UUID,
                              recheck: HubStore.Recheck = HubStore.Recheck()) async throws -> Int {
        let upstream = try changes.map { change in
            HubStore.UpstreamChange(cursor: change.cursor, kind: change.kind, signal: try StoredSignal(upstream: change.signal))
        }
        let recorded = try await storeCall { try await store.applyUpstream(upstream, in: collection, recheck: recheck) }
        try await signalsChanged(recorded)
        return recorded.count
    }

    /// Applies one page of the first copy of `collection` (``HubStore/applyUpstreamSnapshot(_:in:after:through:asOf:complete:recheck:)``);
    /// the catalog has it by the time the next page is stored, and every page once the last
    /// one's call returns. Returns whether it was applied (false: the copy stands
    /// elsewhere, as when the page was applied before a crash).
    @discardableResult
    public func applyUpstreamSnapshot(_ page: API.SignalSnapshot, after: Int, in collection: UUID,
                                      recheck: HubStore.Recheck = HubStore.Recheck()) async throws -> Bool {
        let signals = try page.signals.map(StoredSignal.init(upstream:))
        let applied = try await storeCall {
            try await store.applyUpstreamSnapshot(signals, in: collection, after: after, through: page.next, asOf: page.asOf,
                                                  complete: page.complete, recheck: recheck)
        }
        // Not a change of the local log: the catalog takes the signals as they are stored,
        // each page while the next is stored, one page at a time; all of them before the
        // last page's call returns.
        await catalog.copiesAdded()
        if applied { catalog.addCopied(signals.filter { $0.collectionID == collection }) }
        if page.complete { await catalog.copiesAdded() }
        return applied
    }

    /// Follows the feed from the start instead of taking a first copy (an older hub has
    /// no snapshot to give).
    public func abandonUpstreamSnapshot(of collection: UUID) async throws {
        try await storeCall { try await store.abandonUpstreamSnapshot(of: collection) }
    }
}

extension StoredSignal {
    /// A signal as the upstream hub's API gives it.
    init(upstream signal: API.SignalOut) throws {
        var payload: [UInt8]?
        if let features = signal.features {
            do {
                payload = try VPDQFeatureList(features, maxFrames: .max).binary
            } catch {
                throw ServiceError.invalid("signal.features", "signal \(signal.id)'s frames: \(error.message)")
            }
        } else if let tmk = signal.tmk {
            guard let bytes = Data(base64Encoded: tmk) else {
                throw ServiceError.invalid("signal.tmk", "signal \(signal.id)'s TMK file is not base64")
            }
            payload = Array(bytes)
        }
        self.init(id: signal.id, collectionID: signal.collectionID, type: signal.type, value: signal.value, item: signal.item,
                  labels: signal.labels, confidence: signal.confidence, status: signal.status, contributors: signal.contributors,
                  createdAt: signal.createdAt, updatedAt: signal.updatedAt, payload: payload,
                  fileMD5: signal.fileMD5, fileSHA256: signal.fileSHA256)
    }
}
