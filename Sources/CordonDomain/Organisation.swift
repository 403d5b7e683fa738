/// What kind of member an organisation is; it decides what the organisation may do.
public enum OrganisationKind: String, Codable, Sendable, CaseIterable {
    /// A hosting platform: contributes and matches hashes, receives referrals and orders.
    case platform
    /// A competent authority: issues removal orders.
    case authority
    /// A police referral unit (national, or Europol's EU IRU): refers content.
    case referralUnit = "referral-unit"
    /// A trusted flagger (an NGO, trained youth workers): reports content, fewer rights.
    case trustedFlagger = "trusted-flagger"
    /// Oversight: reads the audit log and reports, changes nothing.
    case auditor
    /// A civil-society partner: keeps alternative- and counter-narrative campaigns and
    /// reads their reach; shares no hashes and sees no cases. Platforms see the
    /// organisation's name, never its staff.
    case partner
    /// The hub operator: creates organisations, sets their kind and member state, seats
    /// the board, suspends and reinstates. Created only from the shell (`cordon admin
    /// create-operator`) and by `serve --demo`; it is party to no case or incident.
    case `operator`
}

/// What an API key may do within its organisation.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    /// Reads and matches against the organisation's collections.
    case consumer
    /// Also contributes signals, feedback and retractions.
    case contributor
    /// Also manages organisations, keys, collections and memberships.
    case admin
    /// Reads the audit log; cannot match or contribute.
    case auditor

    public var canRead: Bool { self != .auditor }
    public var canContribute: Bool { self == .contributor || self == .admin }
    public var canAdminister: Bool { self == .admin }
    public var canAudit: Bool { self == .auditor || self == .admin }

    private var rank: Int {
        switch self {
        case .auditor: 0
        case .consumer: 1
        case .contributor: 2
        case .admin: 3
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// An organisation's access to one collection.
public enum CollectionAccess: String, Codable, Sendable, CaseIterable {
    case read
    case readWrite = "read-write"

    public var canWrite: Bool { self == .readWrite }
}
