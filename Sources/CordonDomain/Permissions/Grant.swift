/// One way to be allowed a use case: callers of these organisation kinds, holding one of
/// these roles, standing in one of these relations to the object.
public struct Grant: Sendable, Hashable {
    public var kinds: Set<OrganisationKind>
    public var roles: Set<Role>
    /// `nil`: whatever the relation (the use case has no object, or the store scopes it).
    public var relations: Set<Relation>?

    public init(_ kinds: Set<OrganisationKind>, _ roles: Set<Role>, _ relations: Set<Relation>? = nil) {
        self.kinds = kinds
        self.roles = roles
        self.relations = relations
    }

    public func allows(kind: OrganisationKind, role: Role, relation: Relation) -> Bool {
        kinds.contains(kind) && roles.contains(role) && relations.map { $0.contains(relation) } != false
    }

    /// "an" before a vowel, else "a".
    static func article(_ word: String) -> String {
        word.first.map { "aeiou".contains($0) } == true ? "an" : "a"
    }

    /// The grant in words: "an admin key of a member (own)".
    public var description: String {
        let roleText = Role.allCases.filter(roles.contains).map(\.rawValue).joined(separator: " or ")
        let kindText: String
        switch kinds {
        case OrganisationKind.everyone: kindText = "any organisation"
        case OrganisationKind.members: kindText = "any member"
        case OrganisationKind.selfManaged: kindText = "any member or partner"
        case [.operator]: kindText = "the operator"
        default:
            let names = OrganisationKind.allCases.filter(kinds.contains).map(\.rawValue)
            kindText = "\(Self.article(names[0])) " + names.joined(separator: ", ")
        }
        var text = "\(roles == Role.any ? "any" : "\(Self.article(roleText)) \(roleText)") key of \(kindText)"
        if let relations {
            text += " (\(Relation.allCases.filter(relations.contains).map(\.rawValue).joined(separator: ", ")))"
        }
        return text
    }
}

extension Role {
    /// Keys that read and match: every role but the auditor's.
    public static let readers: Set<Role> = [.consumer, .contributor, .admin]
    /// Keys that write: contributors and admins.
    public static let writers: Set<Role> = [.contributor, .admin]
    public static let admins: Set<Role> = [.admin]
    public static let any = Set(Role.allCases)
}

extension OrganisationKind {
    /// Every kind of member organisation of the hash-sharing network (all but the operator
    /// and the campaign partners, who share no hashes).
    public static let members = Set(OrganisationKind.allCases).subtracting([.operator, .partner])
    /// Organisations that manage their own keys and users.
    public static let selfManaged = members.union([.partner])
    /// Members that act (all but the auditors, who observe).
    public static let actors = members.subtracting([.auditor])
    /// Organisations that refer content.
    public static let referrers: Set<OrganisationKind> = [.authority, .referralUnit, .trustedFlagger]
    /// Organisations that hold do-not-refer holds and de-conflict.
    public static let lawEnforcement: Set<OrganisationKind> = [.authority, .referralUnit]
    public static let everyone = Set(OrganisationKind.allCases)
}
