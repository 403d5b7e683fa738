import CordonDomain
import CordonStore
import Foundation

/// Collections and who belongs to them: only the owner's admin (or the operator) manages members.
extension HubServices {
    public func collections(_ caller: Caller) async throws -> [API.CollectionOut] {
        try authorise(.listCollections, caller)
        let memberships = access.memberships(of: caller.organisationID)
        return try await store.collections(ids: memberships.keys).map {
            API.CollectionOut(id: $0.id!, name: $0.name, description: $0.description, access: memberships[$0.id!],
                              incident: $0.incidentID, drill: $0.drill, owner: $0.ownerID)
        }
    }

    public func createCollection(_ command: API.NewCollection, by caller: Caller) async throws -> API.CollectionOut {
        try authorise(.createCollection, caller)
        let name = try Validation.name(command.name, field: "name")
        let description = try Validation.note(command.description, field: "description")
        let record = try await storeCall { try await store.createCollection(name: name, description: description, by: caller) }
        try await accessChanged()
        return API.CollectionOut(id: record.id!, name: record.name, description: record.description, access: .readWrite,
                                 owner: caller.organisationID)
    }

    public func setMembership(_ collection: UUID, of organisation: UUID, _ command: API.Membership, by caller: Caller) async throws {
        try authoriseMembers(collection, organisation, caller)
        try await storeCall {
            try await store.setMembership(collectionID: collection, organisationID: organisation, access: command.access, by: caller)
        }
        try await accessChanged()
    }

    public func removeMembership(_ collection: UUID, of organisation: UUID, by caller: Caller) async throws {
        try authoriseMembers(collection, organisation, caller)
        try await storeCall { try await store.removeMembership(collectionID: collection, organisationID: organisation, by: caller) }
        try await accessChanged()
    }

    private func authoriseMembers(_ collection: UUID, _ organisation: UUID, _ caller: Caller) throws {
        try authorise(.manageMembers, caller, relation(caller, toCollection: collection), field: "collection",
                      notFound: "no collection \(collection) among your organisation's collections")
        if access.owner(of: collection) == organisation {
            throw ServiceError.invalid("organisation", "the owner's own access to its collection does not change")
        }
    }

    /// Throws unless the caller may do `useCase` on the collection.
    func authoriseCollection(_ useCase: UseCase, _ collection: UUID, _ caller: Caller) throws {
        let relation = relation(caller, toCollection: collection)
        try authorise(useCase, caller, relation, field: "collection",
                      notFound: "no collection \(collection) among your organisation's collections")
    }
}
