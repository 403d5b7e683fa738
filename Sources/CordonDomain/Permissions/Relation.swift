/// How the caller's organisation stands to the object a use case acts on. A service works
/// it out from stored facts (who owns the collection, who issued the case, who sits on the
/// board) and hands it to ``PermissionTable``; where several hold, it gives the strongest.
public enum Relation: String, CaseIterable, Sendable, Hashable {
    /// No object, or one the caller's organisation has no tie to.
    case unrelated
    /// The object is the caller's organisation or belongs to it (a key, webhook, signing key, hold).
    case own
    /// The caller's organisation owns the collection.
    case owner
    /// A member of the collection with read-write access.
    case memberWrite = "member-write"
    /// A member of the collection with read access.
    case memberRead = "member-read"
    /// The caller's organisation contributed the signal (one of its sources).
    case contributor
    /// The platform a case is addressed to.
    case addressee
    /// The organisation that issued the case.
    case issuer
    /// The authority that scrutinises a cross-border order.
    case scrutiny
    /// The organisation that proposed the incident.
    case proposer
    /// A member of the operating board.
    case board
    /// An organisation that sees the incident (network members, auditors, named parties).
    case audience
}
