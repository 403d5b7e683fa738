/// The checklist an incident is proposed with and activated on (DOMAIN.md, "Crisis
/// protocol"): every criterion must hold before the board can activate it.
public struct IncidentCriteria: Codable, Sendable, Hashable {
    /// An attack is ongoing or has just happened.
    public var ongoingOrRecentAttack: Bool
    /// The content was produced by the perpetrator and depicts the violence.
    public var perpetratorProducedViolentContent: Bool
    /// The content is present on member platforms.
    public var presentOnMemberPlatforms: Bool

    public init(ongoingOrRecentAttack: Bool, perpetratorProducedViolentContent: Bool, presentOnMemberPlatforms: Bool) {
        self.ongoingOrRecentAttack = ongoingOrRecentAttack
        self.perpetratorProducedViolentContent = perpetratorProducedViolentContent
        self.presentOnMemberPlatforms = presentOnMemberPlatforms
    }

    public var allMet: Bool { missing.isEmpty }

    /// The names of the criteria not met.
    public var missing: [String] {
        [("ongoingOrRecentAttack", ongoingOrRecentAttack),
         ("perpetratorProducedViolentContent", perpetratorProducedViolentContent),
         ("presentOnMemberPlatforms", presentOnMemberPlatforms)].filter { !$0.1 }.map(\.0)
    }
}
