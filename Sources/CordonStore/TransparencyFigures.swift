import Foundation

/// One organisation's figures for one year (Art. 7 and 8 of the Regulation): what a
/// platform did with what it received, and what an authority issued and achieved.
public struct TransparencyFigures: Codable, Sendable, Hashable {
    public var organisation: UUID
    public var year: Int
    public var asPlatform: PlatformFigures
    public var asIssuer: IssuerFigures

    public struct PlatformFigures: Codable, Sendable, Hashable {
        public var ordersReceived = 0
        public var referralsReceived = 0
        /// Items removed or disabled in the year, after orders and by the platform's own
        /// measures (referrals are assessed against its own terms).
        public var removedAfterOrders = 0
        public var removedByOwnMeasures = 0
        public var removed = 0
        public var disabled = 0
        public var referralsRefused = 0
        public var deadlinesBreached = 0
        public var complaints = 0
        public var complaintsUpheld = 0
        public var complaintsRejected = 0
        public var complaintsPending = 0
        public var reinstatements = 0
        public var scrutinyRequests = 0
        public var ordersStruckDown = 0

        public init() {}
    }

    public struct IssuerFigures: Codable, Sendable, Hashable {
        public var ordersIssued = 0
        public var referralsIssued = 0
        /// Cases whose removal the platform confirmed.
        public var ordersRemoved = 0
        public var referralsRemoved = 0
        /// Cases the checker found gone without the platform confirming a removal: a host
        /// can answer 404 to the checker alone, so these are counted apart, never as removed.
        public var ordersFoundGone = 0
        public var referralsFoundGone = 0
        public var orderRemovalRate = 0.0
        public var referralRemovalRate = 0.0
        public var deadlinesBreached = 0
        /// Orders by time from receipt to removal.
        public var timeToRemoval = TimeToRemoval()
    }

    public struct TimeToRemoval: Codable, Sendable, Hashable {
        public var within15Minutes = 0
        public var within30Minutes = 0
        public var within1Hour = 0
        public var within24Hours = 0
        public var over24Hours = 0
        public var medianSeconds: Double?
        public var p90Seconds: Double?
    }

    /// The figures as CSV rows: `section,figure,value`.
    public var csv: String {
        var rows = ["section,figure,value"]
        func add(_ section: String, _ value: some Encodable) {
            guard let data = try? JSONEncoder().encode(value),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return }
            for key in object.keys.sorted() {
                if let nested = object[key] as? [String: Any] {
                    for inner in nested.keys.sorted() { rows.append("\(section),\(key).\(inner),\(nested[inner]!)") }
                } else {
                    rows.append("\(section),\(key),\(object[key]!)")
                }
            }
        }
        add("platform", asPlatform)
        add("issuer", asIssuer)
        return rows.joined(separator: "\n") + "\n"
    }
}
