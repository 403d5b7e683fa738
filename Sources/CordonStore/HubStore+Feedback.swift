import CordonDomain
import FluentKit
import Foundation

/// One organisation's feedback on a signal, as the exchange formats carry it.
public struct SignalFeedback: Sendable, Hashable {
    public var organisationID: UUID
    public var kind: FeedbackKind
    public var at: Date?
}

extension HubStore {
    /// Each signal's feedback, oldest first: what the ThreatExchange and StopNCII shapes
    /// send as reactions and opinions beside the signal.
    public func feedback(onSignals ids: some Collection<Int>) async throws -> [Int: [SignalFeedback]] {
        guard !ids.isEmpty else { return [:] }
        var found: [Int: [SignalFeedback]] = [:]
        for chunk in Array(ids).chunked(500) {
            for record in try await FeedbackRecord.query(on: db).filter(\.$signalID ~~ Array(chunk)).sort(\.$createdAt).all() {
                guard let kind = FeedbackKind(rawValue: record.kind) else { continue }
                found[record.signalID, default: []].append(
                    SignalFeedback(organisationID: record.organisationID, kind: kind, at: record.createdAt))
            }
        }
        return found
    }

    /// Organisations by id (unknown ids are left out).
    public func organisations(_ ids: some Collection<UUID>) async throws -> [UUID: OrganisationRecord] {
        guard !ids.isEmpty else { return [:] }
        var found: [UUID: OrganisationRecord] = [:]
        for record in try await OrganisationRecord.query(on: db).filter(\.$id ~~ Array(ids)).all() {
            found[record.id!] = record
        }
        return found
    }
}
