/// How a hub runs the crisis protocol; the operator configures it.
public struct CrisisRules: Sendable, Hashable {
    /// Distinct board organisations needed to activate or conclude an incident (at least
    /// 2: no single organisation decides alone).
    public var quorum: Int
    /// The levels an incident can have, lowest first. The default follows GIFCT's incident
    /// response framework: an incident (monitoring), a content incident (hash sharing),
    /// and the content incident protocol (the full response, as after Christchurch).
    public var levels: [String]

    public static let gifctLevels = ["incident", "content-incident", "content-incident-protocol"]

    public init(quorum: Int = 2, levels: [String] = Self.gifctLevels) throws(RuleError) {
        guard quorum >= 2 else {
            throw .invalid("quorum", "the quorum is at least 2 board organisations, so that no single organisation decides alone")
        }
        guard !levels.isEmpty, Set(levels).count == levels.count else {
            throw .invalid("levels", "name at least one level, each once")
        }
        self.quorum = quorum
        self.levels = levels
    }

    /// The level a proposal gets when it names none: the highest.
    public var defaultLevel: String { levels.last! }

    public static let standard = try! CrisisRules()
}
