import CordonDomain
import FluentKit
import Foundation

/// Browsing a collection's signals, newest first, for people (the feed is for mirrors).
extension HubStore {
    /// What to show of a collection; every condition is optional.
    public struct SignalFilter: Sendable {
        public var type: SignalType?
        public var status: SignalStatus?
        /// A category, behaviour or tag, as stored in the labels.
        public var label: String?
        public var contributor: UUID?
        public var createdFrom: Date?
        public var createdUntil: Date?
        /// Only signals with an id below this (the cursor of the page before).
        public var before: Int?

        public init(type: SignalType? = nil, status: SignalStatus? = nil, label: String? = nil, contributor: UUID? = nil,
                    createdFrom: Date? = nil, createdUntil: Date? = nil, before: Int? = nil) {
            self.type = type
            self.status = status
            self.label = label
            self.contributor = contributor
            self.createdFrom = createdFrom
            self.createdUntil = createdUntil
            self.before = before
        }
    }

    /// Up to `limit` signals of `collection` that pass `filter`, by descending id.
    public func signals(in collection: UUID, _ filter: SignalFilter, limit: Int) async throws -> [StoredSignal] {
        var query = SignalRecord.query(on: db).filter(\.$collectionID == collection)
        if let type = filter.type { query = query.filter(\.$type == type.rawValue) }
        if let status = filter.status { query = query.filter(\.$status == status.rawValue) }
        // Labels and sources are JSON text: a quoted match finds the whole word only.
        if let label = filter.label { query = query.filter(\.$labels ~~ "\"\(label)\"") }
        if let contributor = filter.contributor { query = query.filter(\.$sources ~~ contributor.uuidString) }
        if let from = filter.createdFrom { query = query.filter(\.$createdAt >= from) }
        if let until = filter.createdUntil { query = query.filter(\.$createdAt < until) }
        if let before = filter.before { query = query.filter(\.$id < before) }
        return try await query.sort(\.$id, .descending).limit(limit).all().map(StoredSignal.init)
    }

    /// What happened to one signal, in order: its entries in the change log.
    public func history(ofSignal id: Int) async throws -> [(kind: String, at: Date?)] {
        try await ChangeRecord.query(on: db).filter(\.$signalID == id).sort(\.$id).all().map { ($0.kind, $0.at) }
    }
}
