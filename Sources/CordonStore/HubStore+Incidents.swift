import CordonDomain
import FluentKit
import Foundation
import SQLKit

extension HubStore {
    /// Kinds of organisation that see every incident: the network's members and auditors.
    /// Authorities see those they are named on, unless they sit on the board.
    public static let incidentAudienceKinds = Set([OrganisationKind.platform, .referralUnit, .trustedFlagger, .auditor].map(\.rawValue))

    /// Records a proposal with its own collection (writable by the proposer only until the
    /// board activates it). Named authorities must exist.
    public func proposeIncident(_ new: NewIncident, by caller: Caller, now: Date) async throws -> IncidentRecord {
        try await hub.write([.incidents, .access]) { db in
            for authority in new.authorities {
                _ = try await Self.organisation(authority, field: "authorities", kinds: [.authority, .referralUnit],
                                                role: "an authority or referral unit", on: db)
            }
            let id = UUID()
            let collection = CollectionRecord(
                name: "\(new.drill ? "drill" : "incident") \(Self.iso(now).prefix(10)) \(id.uuidString.prefix(8).lowercased())",
                description: "\(new.drill ? "DRILL: " : "")\(new.title)")
            collection.incidentID = id
            collection.drill = new.drill
            try await collection.create(on: db)
            try await MembershipRecord(collectionID: collection.id!, organisationID: caller.organisationID,
                                       access: CollectionAccess.readWrite.rawValue).create(on: db)
            let record = IncidentRecord()
            record.id = id
            record.title = new.title
            record.summary = new.summary
            record.location = new.location
            record.occurredAt = new.occurredAt
            record.contentSeen = new.contentSeen
            record.criteria = Self.json(new.criteria)
            record.level = new.level
            record.state = IncidentState.proposed.rawValue
            record.drill = new.drill
            record.collectionID = collection.id!
            record.authorities = Self.json(new.authorities)
            record.proposedBy = caller.organisationID
            record.proposedAt = now
            record.updatedAt = now
            try await record.create(on: db)
            for party in Set(new.authorities + [caller.organisationID]) {
                try await IncidentPartyRecord(incidentID: id, organisationID: party).create(on: db)
            }
            var detail = IncidentEventDetail()
            detail.title = new.title
            detail.level = new.level
            detail.state = record.state
            detail.collection = collection.id
            try await Self.recordIncidentEvent(.proposed, of: record, by: caller.organisationID, at: now, detail: detail, on: db)
            try await Self.audit(caller, "incident.propose", target: id.uuidString,
                                 detail: ["title": new.title, "level": new.level, "drill": String(new.drill)], on: db)
            return record
        }
    }

    /// A board member's vote. When it completes the quorum the incident moves on: on
    /// activation every organisation that can see it may write its collection; on
    /// conclusion the collection becomes read-only (its hashes stay matchable).
    public func vote(on id: UUID, _ decision: BoardDecision, reason: String, by caller: Caller, rules: CrisisRules,
                     now: Date) async throws -> IncidentRecord {
        try await hub.write([.incidents, .access]) { db in
            let record = try await Self.visibleIncident(id, to: caller, on: db)
            guard try await OrganisationRecord.find(caller.organisationID, on: db)?.board == true else {
                throw StoreError.forbidden(field: "decision", message: "only operating-board members vote on incidents")
            }
            let votes = Set(try await IncidentVoteRecord.query(on: db).filter(\.$incidentID == id)
                .filter(\.$decision == decision.rawValue).all().map(\.organisationID))
            let state = IncidentState(rawValue: record.state) ?? .proposed
            let criteria = Self.decode(record.criteria, as: IncidentCriteria.self)
                ?? IncidentCriteria(ongoingOrRecentAttack: false, perpetratorProducedViolentContent: false, presentOnMemberPlatforms: false)
            let next = try Self.checked { () throws(RuleError) in
                try IncidentBoard.vote(decision, by: caller.organisationID, state: state, criteria: criteria, votes: votes, rules: rules)
            }
            let vote = IncidentVoteRecord()
            vote.incidentID = id
            vote.organisationID = caller.organisationID
            vote.decision = decision.rawValue
            vote.reason = reason
            vote.at = now
            try await vote.create(on: db)
            var detail = IncidentEventDetail()
            detail.decision = decision.rawValue
            detail.votes = votes.count + 1
            detail.quorum = rules.quorum
            detail.reason = reason
            try await Self.recordIncidentEvent(.voted, of: record, by: caller.organisationID, at: now, detail: detail, on: db)
            try await Self.audit(caller, "incident.vote", target: id.uuidString, detail: ["decision": decision.rawValue], on: db)
            guard let next else { return record }
            record.state = next.rawValue
            record.updatedAt = now
            var moved = IncidentEventDetail()
            moved.state = next.rawValue
            moved.title = record.title
            moved.level = record.level
            moved.collection = record.collectionID
            if next == .active {
                record.activatedAt = now
                try await Self.openCollection(of: record, on: db)
            } else {
                record.concludedAt = now
                record.conclusion = reason
                moved.reason = reason
                try await MembershipRecord.query(on: db).filter(\.$collectionID == record.collectionID)
                    .set(\.$access, to: CollectionAccess.read.rawValue).update()
            }
            try await record.save(on: db)
            try await Self.recordIncidentEvent(next == .active ? .activated : .concluded, of: record, by: nil, at: now,
                                               detail: moved, on: db)
            return record
        }
    }

    /// Withdraws a proposal the board has not activated (its proposer or a board member).
    public func withdrawIncident(_ id: UUID, reason: String, by caller: Caller, now: Date) async throws -> IncidentRecord {
        try await hub.write([.incidents, .access]) { db in
            let record = try await Self.visibleIncident(id, to: caller, on: db)
            let board = try await OrganisationRecord.find(caller.organisationID, on: db)?.board == true
            guard record.proposedBy == caller.organisationID || board else {
                throw StoreError.forbidden(field: "incident", message: "only the proposer or a board member withdraws a proposal")
            }
            guard record.state == IncidentState.proposed.rawValue else {
                throw StoreError.conflict(field: "incident", message: "the incident is \(record.state); only a proposal can be withdrawn")
            }
            record.state = IncidentState.withdrawn.rawValue
            record.updatedAt = now
            try await record.save(on: db)
            var detail = IncidentEventDetail()
            detail.state = record.state
            detail.reason = reason
            try await Self.recordIncidentEvent(.withdrawn, of: record, by: caller.organisationID, at: now, detail: detail, on: db)
            try await Self.audit(caller, "incident.withdraw", target: id.uuidString, detail: [:], on: db)
            return record
        }
    }

    /// Write access to the incident's collection for every organisation that can see it.
    private static func openCollection(of record: IncidentRecord, on db: any Database) async throws {
        let existing = Set(try await MembershipRecord.query(on: db).filter(\.$collectionID == record.collectionID).all().map(\.organisationID))
        for member in try await audience(of: record.id!, on: db) where !existing.contains(member) {
            try await MembershipRecord(collectionID: record.collectionID, organisationID: member,
                                       access: CollectionAccess.readWrite.rawValue).create(on: db)
        }
    }

    /// The organisations that see an incident: the network's members, auditors, the board,
    /// and its parties (proposer, named authorities).
    static func audience(of incident: UUID, on db: any Database) async throws -> Set<UUID> {
        let parties = Set(try await IncidentPartyRecord.query(on: db).filter(\.$incidentID == incident).all().map(\.organisationID))
        return Set(try await OrganisationRecord.query(on: db).all()
            .filter { incidentAudienceKinds.contains($0.kind) || $0.board == true || parties.contains($0.id!) }.map { $0.id! })
    }

    /// A new member of the network joins the collections of incidents under way (to write)
    /// and of concluded ones (to read), as if it had been there at activation.
    static func joinIncidentCollections(_ organisation: OrganisationRecord, on db: any Database) async throws {
        guard incidentAudienceKinds.contains(organisation.kind) else { return }
        let incidents = try await IncidentRecord.query(on: db)
            .filter(\.$state ~~ [IncidentState.active.rawValue, IncidentState.concluded.rawValue]).all()
        for incident in incidents {
            let access: CollectionAccess = incident.state == IncidentState.active.rawValue ? .readWrite : .read
            try await MembershipRecord(collectionID: incident.collectionID, organisationID: organisation.id!,
                                       access: access.rawValue).create(on: db)
        }
    }

    // MARK: Reading

    /// Whether the organisation sees every incident (network members, auditors, the board).
    static func seesEveryIncident(_ caller: Caller, on db: any Database) async throws -> Bool {
        if incidentAudienceKinds.contains(caller.kind.rawValue) { return true }
        return try await OrganisationRecord.find(caller.organisationID, on: db)?.board == true
    }

    static func visibleIncident(_ id: UUID, to caller: Caller, on db: any Database) async throws -> IncidentRecord {
        guard let record = try await IncidentRecord.find(id, on: db) else {
            throw StoreError.notFound(field: "incident", message: "no incident \(id)")
        }
        if try await seesEveryIncident(caller, on: db) { return record }
        guard try await IncidentPartyRecord.query(on: db).filter(\.$incidentID == id)
            .filter(\.$organisationID == caller.organisationID).first() != nil
        else { throw StoreError.notFound(field: "incident", message: "no incident \(id)") }
        return record
    }

    /// An incident, unscoped, and whether the organisation is one of its named parties
    /// (proposer or named authority): the facts the services decide access from.
    public func incidentStanding(_ id: UUID, of organisation: UUID) async throws -> (IncidentRecord, party: Bool)? {
        guard let record = try await IncidentRecord.find(id, on: db) else { return nil }
        let party = try await IncidentPartyRecord.query(on: db).filter(\.$incidentID == id)
            .filter(\.$organisationID == organisation).first() != nil
        return (record, party)
    }

    public func incident(_ id: UUID, for caller: Caller) async throws -> IncidentRecord {
        try await Self.visibleIncident(id, to: caller, on: db)
    }

    /// The incidents the caller sees, newest first.
    public func incidents(for caller: Caller, state: IncidentState?, limit: Int) async throws -> [IncidentRecord] {
        let query = IncidentRecord.query(on: db)
        if let state { query.filter(\.$state == state.rawValue) }
        if try await !Self.seesEveryIncident(caller, on: db) {
            let mine = try await IncidentPartyRecord.query(on: db).filter(\.$organisationID == caller.organisationID).all().map(\.incidentID)
            query.filter(\.$id ~~ mine)
        }
        return try await query.sort(\.$proposedAt, .descending).limit(limit).all()
    }

    /// The incident an incident collection belongs to, if any.
    public func incident(ofCollection collection: UUID) async throws -> IncidentRecord? {
        try await IncidentRecord.query(on: db).filter(\.$collectionID == collection).first()
    }

    /// The board's votes on an incident, in order.
    public func votes(on id: UUID) async throws -> [IncidentVoteRecord] {
        try await IncidentVoteRecord.query(on: db).filter(\.$incidentID == id).sort(\.$id).all()
    }

    /// Sets whether an organisation sits on the operating board.
    public func setBoard(_ organisation: UUID, seated: Bool, by caller: Caller?) async throws {
        try await hub.write([.access]) { db in
            guard let record = try await OrganisationRecord.find(organisation, on: db) else {
                throw StoreError.notFound(field: "organisation", message: "no organisation \(organisation)")
            }
            record.board = seated
            try await record.save(on: db)
            try await Self.audit(caller, seated ? "board.seat" : "board.unseat", target: organisation.uuidString, detail: [:], on: db)
        }
    }
}
