import CordonDomain
import Foundation

/// The numbers and names other tools use for Cordon's organisations and collections.
///
/// ThreatExchange clients know privacy groups and apps by number, and HMA's by bank names
/// of `[A-Z0-9_]`; Cordon's are UUIDs and free names. Each is derived from the UUID, so no
/// table is needed and every replica answers the same.
public enum ExchangeIdentifiers {
    /// A collection as a ThreatExchange privacy group, or an organisation as an app id: the
    /// UUID's first 7 bytes, offset so it always has at least 9 digits (pytx's
    /// `is_valid_app_token` asks for 8 or more before the `|`).
    public static func number(_ id: UUID) -> UInt64 {
        let bytes = withUnsafeBytes(of: id.uuid) { Array($0.prefix(7)) }
        return bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } + 100_000_000
    }

    /// An app-style access token for the ThreatExchange shape: the organisation's app id,
    /// `|`, and one of its Cordon API keys.
    public static func appToken(organisation: UUID, key: String) -> String {
        "\(number(organisation))|\(key)"
    }

    /// The Cordon API key inside an app token (`123456789|cdn_…`, the bar possibly
    /// percent-encoded), or the token itself when it has none.
    public static func key(inAppToken token: String) -> String {
        for separator in ["|", "%7C", "%7c"] {
            if let range = token.range(of: separator) { return String(token[range.upperBound...]) }
        }
        return token
    }

    /// A collection's name as an HMA bank name: upper case, anything outside `[A-Z0-9_]`
    /// made `_`, never starting with a digit.
    public static func bankName(_ name: String) -> String {
        var bank = String(name.uppercased().unicodeScalars.map { scalar -> Character in
            let ok = ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
            return ok ? Character(scalar) : "_"
        })
        if bank.isEmpty || bank.first!.isNumber { bank = "_" + bank }
        return bank
    }
}

extension SignalLabels {
    /// The labels as tags (`category:incitement`, `behaviour:recruitment`, `entity:…`,
    /// `incident:…`): how ThreatExchange, StopNCII and HMA dumps carry them.
    public var tags: [String] {
        categories.map { "category:\($0.rawValue)" } + behaviours.map { "behaviour:\($0.rawValue)" }
            + (entity.map { ["entity:\($0)"] } ?? []) + (incident.map { ["incident:\($0)"] } ?? [])
    }

    /// Labels read back from tags; tags that are not Cordon labels are returned apart.
    public static func from(tags: some Sequence<String>) -> (labels: SignalLabels, unknown: [String]) {
        var labels = SignalLabels()
        var unknown: [String] = []
        for tag in tags {
            let parts = tag.split(separator: ":", maxSplits: 1).map(String.init)
            switch (parts.first, parts.count == 2 ? parts[1] : nil) {
            case ("category", let value?) where ContentCategory(rawValue: value) != nil:
                labels.categories.append(ContentCategory(rawValue: value)!)
            case ("behaviour", let value?) where Behaviour(rawValue: value) != nil:
                labels.behaviours.append(Behaviour(rawValue: value)!)
            case ("entity", let value?): labels.entity = value
            case ("incident", let value?): labels.incident = value
            default: unknown.append(tag)
            }
        }
        return (labels, unknown)
    }
}
