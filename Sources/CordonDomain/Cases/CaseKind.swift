/// The two kinds of case the referral desk tracks, separately.
public enum CaseKind: String, Codable, Sendable, CaseIterable {
    /// Voluntary: asks the platform to check the content against its own terms.
    case referral
    /// Legal (Regulation 2021/784, Art. 3): the platform must remove or disable access
    /// within one hour of receipt.
    case removalOrder = "removal-order"
}

/// Where a case stands.
public enum CaseState: String, Codable, Sendable, CaseIterable {
    /// In the platform's inbox; for an order the clock runs.
    case received
    /// The platform has acknowledged receipt; the clock still runs.
    case acknowledged
    /// The platform reported that it cannot comply; the clock is paused.
    case suspended
    /// The content was removed or access to it disabled.
    case removed
    /// The platform declined a referral (with its reason).
    case refused
    /// The issuer withdrew the case.
    case withdrawn
    /// Removed content was put back (complaint upheld, or order struck down).
    case reinstated

    /// Whether the platform still has to act.
    public var isOpen: Bool { self == .received || self == .acknowledged || self == .suspended }
}

/// Who acts on a case.
public enum CaseParty: String, Sendable {
    /// The organisation that issued it (an authority, a referral unit, a trusted flagger).
    case issuer
    /// The hosting platform it is addressed to.
    case platform
}

/// Why a platform cannot comply with an order (Art. 3(7) and 3(8)).
public enum InabilityReason: String, Codable, Sendable, CaseIterable {
    case forceMajeure = "force-majeure"
    case technicalImpossibility = "technical-impossibility"
    case manifestError = "manifest-error"
    case missingInformation = "missing-information"

    /// Who ends the pause: the platform when its obstacle ends, or the issuer by
    /// clarifying the order.
    public var resumedBy: CaseParty {
        switch self {
        case .forceMajeure, .technicalImpossibility: .platform
        case .manifestError, .missingInformation: .issuer
        }
    }
}

/// How the platform acted on the content.
public enum RemovalAction: String, Codable, Sendable, CaseIterable {
    case removed
    case disabled
}
