import CordonDomain
import FluentKit
import Foundation
import SQLKit

extension HubStore {
    /// Removes every trace of a drill but the audit record of its removal: its hashes
    /// (retracted first, so every replica and mirror drops them from matching), feed
    /// entries, collection, timeline, URLs, reports, votes and pending webhook calls.
    /// Real incidents are never purged.
    public func purgeDrill(_ id: UUID, by caller: Caller, now: Date) async throws {
        let record = try await Self.visibleIncident(id, to: caller, on: db)
        guard record.drill else {
            throw StoreError.forbidden(field: "incident", message: "only drills can be purged; a real incident's record is kept")
        }
        let board = try await OrganisationRecord.find(caller.organisationID, on: db)?.board == true
        guard record.proposedBy == caller.organisationID || board else {
            throw StoreError.forbidden(field: "incident", message: "a drill is purged by the organisation that proposed it or a board member")
        }
        let collection = record.collectionID
        // First: retract, so that followers remove the hashes from their catalogs.
        try await hub.write([.signals]) { db in
            let sql = db as! any SQLDatabase
            let live = try await SignalRecord.query(on: db).filter(\.$collectionID == collection)
                .filter(\.$status != SignalStatus.retracted.rawValue).all()
            guard !live.isEmpty else { return }
            try await SignalRecord.query(on: db).filter(\.$collectionID == collection)
                .set(\.$status, to: SignalStatus.retracted.rawValue).update()
            let retracted = live.map { record in
                var signal = StoredSignal(record)
                signal.status = .retracted
                return (signal, ChangeKind.retracted)
            }
            try await Self.recordChanges(retracted, in: collection, at: now, on: sql)
        }
        try await hub.write([.signals, .incidents, .access]) { db in
            let signals = try await SignalRecord.query(on: db).filter(\.$collectionID == collection).all().compactMap(\.id)
            for chunk in signals.chunked(500) {
                try await FeedbackRecord.query(on: db).filter(\.$signalID ~~ chunk).delete()
            }
            try await SignalRecord.query(on: db).filter(\.$collectionID == collection).delete()
            try await ChangeRecord.query(on: db).filter(\.$collectionID == collection).delete()
            try await MembershipRecord.query(on: db).filter(\.$collectionID == collection).delete()
            try await CollectionRecord.query(on: db).filter(\.$id == collection).delete()
            let events = try await IncidentEventRecord.query(on: db).filter(\.$incidentID == id).all().compactMap(\.id)
            for chunk in events.chunked(500) {
                try await WebhookDeliveryRecord.query(on: db).filter(\.$eventID ~~ chunk)
                    .filter(\.$eventKind ~~ IncidentEventKind.allCases.map(\.rawValue)).delete()
            }
            try await IncidentEventRecord.query(on: db).filter(\.$incidentID == id).delete()
            try await IncidentURLRecord.query(on: db).filter(\.$incidentID == id).delete()
            try await IncidentMatchRecord.query(on: db).filter(\.$incidentID == id).delete()
            try await IncidentVoteRecord.query(on: db).filter(\.$incidentID == id).delete()
            try await IncidentPartyRecord.query(on: db).filter(\.$incidentID == id).delete()
            try await IncidentRecord.query(on: db).filter(\.$id == id).delete()
            try await Self.audit(caller, "drill.purge", target: id.uuidString,
                                 detail: ["title": record.title, "hashes": String(signals.count), "events": String(events.count)], on: db)
        }
    }
}
