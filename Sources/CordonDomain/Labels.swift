/// What a hash is of, in the taxonomy members share (see DOMAIN.md).
public struct SignalLabels: Codable, Sendable, Hashable {
    /// Art. 2(7) of Regulation (EU) 2021/784: which kinds of terrorist content.
    public var categories: [ContentCategory]
    /// What the content does.
    public var behaviours: [Behaviour]
    /// The entity, as named on a government designation list.
    public var entity: String?
    /// The incident the content belongs to.
    public var incident: String?

    public init(categories: [ContentCategory] = [], behaviours: [Behaviour] = [], entity: String? = nil,
                incident: String? = nil) {
        self.categories = categories
        self.behaviours = behaviours
        self.entity = entity
        self.incident = incident
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        categories = try container.decodeIfPresent([ContentCategory].self, forKey: .categories) ?? []
        behaviours = try container.decodeIfPresent([Behaviour].self, forKey: .behaviours) ?? []
        entity = try container.decodeIfPresent(String.self, forKey: .entity)
        incident = try container.decodeIfPresent(String.self, forKey: .incident)
    }
}

/// Art. 2(7)(a)–(e): the five kinds of terrorist content the Regulation defines.
public enum ContentCategory: String, Codable, Sendable, CaseIterable {
    /// (a) incites terrorist offences, including by glorification.
    case incitement
    /// (b) solicits someone to commit or contribute to an offence.
    case solicitation
    /// (c) solicits participation in a terrorist group's activities.
    case participation
    /// (d) instructs on making or using explosives, weapons or hazardous substances.
    case instruction
    /// (e) threatens to commit a terrorist offence.
    case threat
}

/// The behaviour labels of the shared hash list.
public enum Behaviour: String, Codable, Sendable, CaseIterable {
    case glorification
    case graphicViolence = "graphic-violence"
    case instructional
    case recruitment
    case imminentThreat = "imminent-threat"
    case attackerManifesto = "attacker-manifesto"
    case brandedPublication = "branded-publication"
}
