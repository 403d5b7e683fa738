import CordonDomain
import CordonStore
import Foundation

extension HubServices {
    /// The caller an API key's secret belongs to; unknown, revoked and suspended keys are refused.
    public func caller(secret: String) async throws -> Caller {
        guard let caller = try await access.caller(secret: secret) else {
            throw ServiceError.unauthorized("this API key is unknown or has been revoked, or its organisation is suspended")
        }
        return caller
    }

    /// Whether the caller's key still works (not revoked, organisation not suspended):
    /// open streams ask this on every event and twice a second.
    public func isLive(_ caller: Caller) -> Bool {
        access.caller(keyID: caller.keyID) != nil
    }

    /// Throws unless ``PermissionTable`` allows the caller `useCase` on an object it stands
    /// in `relation` to. A refusal that hides the object answers "not found" for `field`.
    func authorise(_ useCase: UseCase, _ caller: Caller, _ relation: Relation = .unrelated,
                   field: String = "object", notFound: @autoclosure () -> String = "not found") throws {
        try authorise(useCase, caller, [relation], field: field, notFound: notFound())
    }

    /// As above, for a caller that stands in several relations at once (a proposer on the
    /// board, a source that is also a member): allowed if any is; refused as the first.
    func authorise(_ useCase: UseCase, _ caller: Caller, _ relations: [Relation],
                   field: String = "object", notFound: @autoclosure () -> String = "not found") throws {
        let decisions = relations.map { PermissionTable.decide(useCase, kind: caller.kind, role: caller.role, relation: $0) }
        guard !decisions.contains(.allowed), case .refused(let refusal) = decisions.first else { return }
        if refusal.hidden { throw ServiceError.notFound(field, notFound()) }
        throw ServiceError.forbidden(refusal.reason, field: refusal.field == "object" ? field : refusal.field)
    }

    /// Throws the refusal unless a caller of this kind and role is allowed `useCase` in
    /// some relation: what a surface checks before it reads a request's body.
    public func mayAttempt(_ useCase: UseCase, _ caller: Caller) throws {
        guard !PermissionTable.relations(useCase).contains(where: { allows(useCase, caller, $0) }) else { return }
        try authorise(useCase, caller)
    }

    /// Whether ``PermissionTable`` allows it, for use cases whose scope depends on the answer.
    func allows(_ useCase: UseCase, _ caller: Caller, _ relation: Relation) -> Bool {
        PermissionTable.decide(useCase, kind: caller.kind, role: caller.role, relation: relation).isAllowed
    }

    // MARK: Relations, from stored facts

    /// `own` when `organisation` is the caller's.
    func relation(_ caller: Caller, toOrganisation organisation: UUID) -> Relation {
        organisation == caller.organisationID ? .own : .unrelated
    }

    /// Owner, read-write or read member, or unrelated.
    func relation(_ caller: Caller, toCollection collection: UUID) -> Relation {
        if access.owner(of: collection) == caller.organisationID { return .owner }
        switch access.memberships(of: caller.organisationID)[collection] {
        case .readWrite: return .memberWrite
        case .read: return .memberRead
        case nil: return .unrelated
        }
    }

    /// As to its collection, and `contributor` too for one of its sources (which still
    /// answers for its own contribution after it has left the collection).
    func relations(_ caller: Caller, toSignal signal: StoredSignal) -> [Relation] {
        let collection = relation(caller, toCollection: signal.collectionID)
        guard signal.contributors.contains(caller.organisationID) else { return [collection] }
        return collection == .unrelated ? [.contributor] : [collection, .contributor]
    }

    /// Addressee, issuer, scrutinising authority, or unrelated.
    func relation(_ caller: Caller, toCase record: CaseRecord) -> Relation {
        if record.platformID == caller.organisationID { return .addressee }
        if record.issuerID == caller.organisationID { return .issuer }
        if record.scrutinyAuthorityID == caller.organisationID { return .scrutiny }
        return .unrelated
    }

    /// The incident and the caller's standing: proposer, board member, audience (network
    /// members, auditors, named parties), or unrelated.
    func incident(_ id: UUID, for caller: Caller) async throws -> (IncidentRecord, [Relation]) {
        guard let (record, party) = try await store.incidentStanding(id, of: caller.organisationID) else {
            throw ServiceError.notFound("incident", "no incident \(id)")
        }
        var relations: [Relation] = []
        if record.proposedBy == caller.organisationID { relations.append(.proposer) }
        if access.isOnBoard(caller.organisationID) { relations.append(.board) }
        if party || HubStore.incidentAudienceKinds.contains(caller.kind.rawValue) { relations.append(.audience) }
        return (record, relations.isEmpty ? [.unrelated] : relations)
    }

    /// The incident, if the caller may do `useCase` on it.
    func authorisedIncident(_ useCase: UseCase, _ id: UUID, _ caller: Caller) async throws -> IncidentRecord {
        let (record, relations) = try await incident(id, for: caller)
        try authorise(useCase, caller, relations, field: "incident", notFound: "no incident \(id)")
        return record
    }

    /// The case, if the caller may do `useCase` on it. A complaint or preservation passes
    /// its own `notFound`, so a stranger is not told which case it belongs to.
    func authorisedCase(_ useCase: UseCase, _ id: UUID, _ caller: Caller, field: String = "case",
                        notFound: String? = nil) async throws -> CaseRecord {
        let notFound = notFound ?? "no case \(id) addressed to or issued by your organisation"
        guard let record = try await store.case(id) else { throw ServiceError.notFound(field, notFound) }
        try authorise(useCase, caller, relation(caller, toCase: record), field: field, notFound: notFound)
        return record
    }
}
