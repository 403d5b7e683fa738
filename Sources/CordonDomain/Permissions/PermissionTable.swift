/// The hub's one permission model: for each use case, the grants that allow it, and how
/// a refusal is answered. Services ask it before they act; the permissions document and
/// the route-by-caller test matrix are generated from it, so they cannot drift.
public enum PermissionTable {
    /// Who may do `useCase`: the caller needs to fit one grant.
    public static func grants(_ useCase: UseCase) -> [Grant] { table[useCase]!.grants }

    /// The relations a use case's object can stand in (the rows the document and the
    /// test matrix cover); `[.unrelated]` for use cases with no object.
    public static func relations(_ useCase: UseCase) -> [Relation] { table[useCase]!.relations }

    /// Every use case's grants and relations, worked out once: every request asks.
    private static let table: [UseCase: (grants: [Grant], relations: [Relation])] = Dictionary(
        uniqueKeysWithValues: UseCase.allCases.map { useCase in
            let grants = makeGrants(useCase)
            let named = grants.compactMap(\.relations).reduce(into: Set<Relation>()) { $0.formUnion($1) }
            return (useCase, (grants, Relation.allCases.filter { $0 == .unrelated || named.contains($0) }))
        })

    private static func makeGrants(_ useCase: UseCase) -> [Grant] {
        let own: Set<Relation> = [.own]
        let collectionMember: Set<Relation> = [.owner, .memberWrite, .memberRead]
        let caseParty: Set<Relation> = [.addressee, .issuer, .scrutiny]
        let incidentAudience: Set<Relation> = [.proposer, .board, .audience]
        let operatorAdmin = Grant([.operator], Role.admins)
        switch useCase {
        case .readOwnAccount, .listOrganisations, .listSigningKeys, .readHubKey:
            return [Grant(OrganisationKind.everyone, Role.any)]
        case .createOrganisation, .updateOrganisation, .suspendOrganisation, .seatBoard:
            return [operatorAdmin]
        case .createKey, .listKeys, .revokeKey, .createUser, .listUsers, .disableUser:
            return [operatorAdmin, Grant(OrganisationKind.selfManaged, Role.admins, own)]
        case .readAudit:
            // `unrelated`: the whole hub's log; `own`: the organisation's own entries.
            return [Grant([.operator, .auditor], Role.any), Grant(OrganisationKind.members, [.admin, .auditor], own)]
        case .verifyAudit:
            // The whole hub's chain: its overseers.
            return [Grant([.operator, .auditor], Role.any)]
        case .readTransparency:
            // `unrelated`: another organisation's figures.
            return [Grant([.operator, .auditor], Role.any), Grant(OrganisationKind.members, Role.any, own)]
        case .readNetworkReport:
            return [Grant(OrganisationKind.everyone, Role.any)]
        case .exportStatements:
            // A platform's own removal decisions; no one else takes them.
            return [Grant([.platform], Role.any)]
        case .listCollections, .listCases, .readCaseEvents, .listIncidents, .listWebhooks:
            return [Grant(OrganisationKind.members, Role.any)]
        case .createCollection:
            return [Grant(OrganisationKind.actors, Role.admins)]
        case .manageMembers:
            return [operatorAdmin, Grant(OrganisationKind.members, Role.admins, [.owner])]
        case .submitSignals:
            return [Grant(OrganisationKind.actors, Role.writers, [.owner, .memberWrite])]
        case .readSignal, .readFeed:
            return [Grant(OrganisationKind.members, Role.readers, collectionMember)]
        case .retractSignal:
            return [Grant(OrganisationKind.actors, Role.writers, [.owner, .contributor])]
        case .giveFeedback:
            return [Grant(OrganisationKind.actors, Role.writers, collectionMember.union([.contributor]))]
        case .confirmSignal:
            // Who stands behind the signal: its contributors and its collection's owner.
            return [Grant(OrganisationKind.actors, Role.writers, [.owner, .contributor])]
        case .readLedger:
            // Error rates are for everyone at the hub to see, overseers included.
            return [Grant(OrganisationKind.everyone, Role.any)]
        case .recordDesignationChange:
            return [operatorAdmin]
        case .match:
            return [Grant(OrganisationKind.members, Role.readers)]
        case .issueReferral:
            return [Grant(OrganisationKind.referrers, Role.writers)]
        case .issueOrder:
            return [Grant([.authority], Role.writers)]
        case .readCase:
            return [Grant(OrganisationKind.members, Role.any, caseParty)]
        case .actOnCase, .placeLegalHold:
            return [Grant(OrganisationKind.members, Role.writers, [.addressee, .issuer])]
        case .fileComplaint, .decideComplaint, .requestScrutiny, .preserve:
            return [Grant([.platform], Role.writers, [.addressee])]
        case .readEvidence:
            return [Grant([.platform], Role.writers, [.addressee])]
        case .decideScrutiny:
            return [Grant([.authority], Role.writers, [.scrutiny])]
        case .deconflict, .listHolds:
            return [Grant(OrganisationKind.lawEnforcement, Role.any)]
        case .placeHold:
            return [Grant(OrganisationKind.lawEnforcement, Role.writers)]
        case .liftHold:
            return [Grant(OrganisationKind.lawEnforcement, Role.writers, own)]
        case .registerSigningKey:
            return [Grant([.authority], Role.admins)]
        case .revokeSigningKey:
            return [operatorAdmin, Grant([.authority], Role.admins, own)]
        case .createWebhook:
            return [Grant(OrganisationKind.members, Role.admins)]
        case .readDeliveries:
            return [Grant(OrganisationKind.members, Role.any, own)]
        case .testWebhook, .retryDelivery:
            return [Grant(OrganisationKind.members, Role.admins, own)]
        case .revokeWebhook:
            return [operatorAdmin, Grant(OrganisationKind.members, Role.admins, own)]
        case .proposeIncident:
            return [Grant(OrganisationKind.actors, Role.writers)]
        case .readIncident:
            return [Grant(OrganisationKind.members, Role.any, incidentAudience)]
        case .vote:
            return [Grant(OrganisationKind.members, Role.writers, [.board])]
        case .withdrawIncident:
            return [Grant(OrganisationKind.members, Role.writers, [.proposer, .board])]
        case .purgeDrill:
            return [Grant(OrganisationKind.members, Role.admins, [.proposer, .board])]
        case .createCampaign:
            return [Grant([.partner], Role.writers)]
        case .updateCampaign:
            return [Grant([.partner], Role.writers, own)]
        case .listCampaigns:
            return [Grant(OrganisationKind.everyone, Role.any)]
        case .reportReach:
            return [Grant([.platform], Role.writers)]
        case .readReach:
            // Partners see their own campaigns' aggregates; overseers any.
            return [Grant([.operator, .auditor], Role.any), Grant([.partner], Role.any, own)]
        case .submitNotice:
            // Anyone acting at the hub may notify a platform (Art. 16 is open to all).
            return [Grant(OrganisationKind.actors.union([.partner]), Role.writers)]
        case .listNotices:
            return [Grant(OrganisationKind.everyone, Role.any)]
        case .readNotice:
            return [Grant([.operator, .auditor], Role.any), Grant(OrganisationKind.actors.union([.partner]), Role.any, [.addressee, .issuer])]
        case .decideNotice:
            return [Grant([.platform], Role.writers, [.addressee])]
        case .registerTrustedFlagger:
            return [operatorAdmin]
        case .listTrustedFlaggers:
            return [Grant(OrganisationKind.everyone, Role.any)]
        case .readFlaggerReport:
            return [Grant([.operator, .auditor], Role.any), Grant(OrganisationKind.selfManaged, Role.any, own)]
        case .recordUpload, .decideReviewCase:
            return [Grant([.platform], Role.writers)]
        case .listReviewCases, .readVerdicts, .readMirrorStatus:
            return [Grant([.platform], Role.any)]
        case .contributeToIncident, .addIncidentNote:
            return [Grant(OrganisationKind.actors, Role.writers, incidentAudience)]
        case .referIncidentURL:
            return [Grant(OrganisationKind.referrers, Role.writers, incidentAudience)]
        case .reportIncidentMatches:
            return [Grant([.platform], Role.writers, incidentAudience)]
        }
    }


    /// Whether a caller of `kind` with `role`, standing in `relation` to the object, may
    /// do `useCase`; if not, why, and whether to answer as if the object did not exist.
    public static func decide(_ useCase: UseCase, kind: OrganisationKind, role: Role,
                              relation: Relation = .unrelated) -> Decision {
        let grants = grants(useCase)
        if grants.contains(where: { $0.allows(kind: kind, role: role, relation: relation) }) { return .allowed }
        let who = grants.map(\.description).joined(separator: "; or ")
        let fitsButRelation = grants.contains { $0.kinds.contains(kind) && $0.roles.contains(role) }
        if fitsButRelation {
            // A caller with no tie to the object learns nothing of it: not found.
            let objectRelations = Set(relations(useCase)).subtracting([.unrelated, .own])
            let hidden = relation == .unrelated && !objectRelations.isEmpty
            return .refused(Refusal(field: "object", hidden: hidden,
                                    reason: "\(useCase.summary) needs \(who); your organisation is \(relation.rawValue) to it"))
        }
        let kindFits = grants.contains { $0.kinds.contains(kind) }
        return .refused(Refusal(
            field: kindFits ? "role" : "organisation", hidden: false,
            reason: "\(useCase.summary) needs \(who); this is \(Grant.article(role.rawValue)) \(role.rawValue) key of \(kind == .operator ? "the operator" : "\(Grant.article(kind.rawValue)) \(kind.rawValue)")"))
    }
}

/// What ``PermissionTable/decide(_:kind:role:relation:)`` answers.
public enum Decision: Sendable, Hashable {
    case allowed
    case refused(Refusal)

    public var isAllowed: Bool { self == .allowed }
}

/// Why a call is refused.
public struct Refusal: Sendable, Hashable {
    /// `role` (the key's role is too low), `organisation` (its kind may not), or `object`
    /// (its organisation's relation to the object does not allow it).
    public var field: String
    /// Whether the answer is "not found", so a caller with no tie to an object cannot
    /// learn that it exists.
    public var hidden: Bool
    public var reason: String

    public init(field: String, hidden: Bool, reason: String) {
        self.field = field
        self.hidden = hidden
        self.reason = reason
    }
}
