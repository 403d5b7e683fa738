/// What happened in an incident: its timeline, its live stream and its webhooks.
public enum IncidentEventKind: String, Codable, Sendable, CaseIterable {
    case proposed = "incident-proposed"
    case voted = "incident-vote"
    case activated = "incident-activated"
    case concluded = "incident-concluded"
    case withdrawn = "incident-withdrawn"
    case hashesAdded = "incident-hashes"
    case urlShared = "incident-url"
    case urlReferred = "incident-url-referred"
    case matchesReported = "incident-matches"
    case note = "incident-note"
}
