import CordonDomain
import CordonStore
import Foundation

/// Organisations, the operating board and suspension: the operator's use cases.
extension HubServices {
    public func me(_ caller: Caller) async throws -> API.Me {
        try authorise(.readOwnAccount, caller)
        guard let organisation = try await store.organisation(caller.organisationID) else {
            throw ServiceError.unauthorized("this key's organisation no longer exists")
        }
        return API.Me(organisation: .init(organisation), role: caller.role, keyID: caller.keyID)
    }

    public func organisations(_ caller: Caller) async throws -> [API.OrganisationOut] {
        try authorise(.listOrganisations, caller)
        return try await store.organisations().map(API.OrganisationOut.init)
    }

    public func createOrganisation(_ command: API.NewOrganisation, by caller: Caller) async throws -> API.OrganisationOut {
        try authorise(.createOrganisation, caller)
        let name = try Validation.name(command.name, field: "name")
        let state = try Validation.memberState(command.memberState)
        try Self.refuseOperatorKind(command.kind)
        let record = try await storeCall {
            try await store.createOrganisation(name: name, kind: command.kind, memberState: state, by: caller)
        }
        try await accessChanged()
        return .init(record)
    }

    public func updateOrganisation(_ id: UUID, _ command: API.OrganisationUpdate, by caller: Caller) async throws -> API.OrganisationOut {
        try authorise(.updateOrganisation, caller)
        let name = try command.name.map { try Validation.name($0, field: "name") }
        let state = try Validation.memberState(command.memberState)
        if let kind = command.kind { try Self.refuseOperatorKind(kind) }
        if let existing = try await store.organisation(id), existing.kind == OrganisationKind.operator.rawValue, command.kind != nil {
            throw ServiceError.invalid("kind", "the operator's kind does not change")
        }
        let record = try await storeCall {
            try await store.updateOrganisation(id, name: name, kind: command.kind, memberState: state.map { .some($0) }, by: caller)
        }
        try await accessChanged()
        return .init(record)
    }

    /// Cuts every key, open stream and webhook of the organisation on every replica (each
    /// reloads its keys at least once a second), until ``reinstate(_:by:)``.
    public func suspend(_ id: UUID, _ command: API.SuspensionIn, by caller: Caller) async throws -> API.OrganisationOut {
        try authorise(.suspendOrganisation, caller)
        let reason = try Validation.text(command.reason, field: "reason", "say why the organisation is suspended")
        guard id != caller.organisationID else { throw ServiceError.invalid("organisation", "the operator cannot suspend itself") }
        let record = try await storeCall { try await store.setSuspension(id, suspended: true, reason: reason, by: caller, now: now()) }
        try await accessChanged()
        return .init(record)
    }

    public func reinstate(_ id: UUID, by caller: Caller) async throws -> API.OrganisationOut {
        try authorise(.suspendOrganisation, caller)
        let record = try await storeCall { try await store.setSuspension(id, suspended: false, reason: "", by: caller, now: now()) }
        try await accessChanged()
        return .init(record)
    }

    /// Seats or unseats a member on the operating board, which votes incidents in and out.
    public func seatBoard(_ id: UUID, _ command: API.BoardSeat, by caller: Caller) async throws {
        try authorise(.seatBoard, caller)
        if let record = try await store.organisation(id), record.kind == OrganisationKind.operator.rawValue {
            throw ServiceError.invalid("organisation", "the operator does not sit on the board; seat member organisations")
        }
        try await storeCall { try await store.setBoard(id, seated: command.seated, by: caller) }
        try await accessChanged()
    }

    private static func refuseOperatorKind(_ kind: OrganisationKind) throws {
        guard kind != .operator else {
            throw ServiceError.invalid("kind", "the hub has one operator, made from the shell with `cordon admin create-operator`")
        }
    }
}
