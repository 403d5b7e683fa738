import CordonDomain
import CordonStore
import Foundation

extension HubServices {
    /// The year's figures of the caller's organisation, or of another for the operator and
    /// oversight organisations.
    public func transparency(of organisation: UUID?, year: Int, by caller: Caller) async throws -> TransparencyFigures {
        let organisation = organisation ?? caller.organisationID
        try authorise(.readTransparency, caller, relation(caller, toOrganisation: organisation), field: "organisation")
        return try await store.transparency(of: organisation, year: year)
    }
}
