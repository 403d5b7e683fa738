/// Whether something shared through the hub comes from a government body (a competent
/// authority or a police referral unit), from industry, or from civil society: critics of
/// hash databases ask for government influence to be visible, and reports split on it.
public enum SignalOrigin: String, Codable, Sendable, CaseIterable {
    case government
    case industry
    case civilSociety = "civil-society"
    /// The hub's operator or an oversight body.
    case hub

    public init(_ kind: OrganisationKind) {
        switch kind {
        case .authority, .referralUnit: self = .government
        case .platform: self = .industry
        case .trustedFlagger, .partner: self = .civilSociety
        case .auditor, .operator: self = .hub
        }
    }
}
