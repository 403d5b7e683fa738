import CordonDomain
import FluentKit
import Foundation
import SQLKit

extension HubStore {
    /// The transparency figures of `organisation` for a calendar year (UTC), computed in
    /// the database (a handful of aggregate queries over indexed columns).
    public func transparency(of organisation: UUID, year: Int) async throws -> TransparencyFigures {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = calendar.date(from: DateComponents(year: year, month: 1, day: 1))!
        let end = calendar.date(from: DateComponents(year: year + 1, month: 1, day: 1))!
        let sql = hub.sql
        let order = CaseKind.removalOrder.rawValue, referral = CaseKind.referral.rawValue
        var figures = TransparencyFigures(organisation: organisation, year: year, asPlatform: .init(), asIssuer: .init())

        // One pass over the platform's cases, read from one covering index. Every event of
        // a case (removal, breach, reinstatement) lies between its receipt (less a second
        // of clock skew) and its last update, which bounds the rows that can count.
        struct PlatformRow: Decodable {
            var orders: Int?, referrals: Int?, refused: Int?, scrutiny: Int?, struck: Int?
            var afterOrders: Int?, own: Int?, removed: Int?, disabled: Int?, breached: Int?, reinstated: Int?
        }
        if let row = try await sql.raw("""
            SELECT SUM(CASE WHEN received_at >= \(bind: start) AND received_at < \(bind: end) AND kind = \(bind: order) THEN 1 ELSE 0 END) AS orders,
                   SUM(CASE WHEN received_at >= \(bind: start) AND received_at < \(bind: end) AND kind = \(bind: referral) THEN 1 ELSE 0 END) AS referrals,
                   SUM(CASE WHEN received_at >= \(bind: start) AND received_at < \(bind: end) AND state = 'refused' THEN 1 ELSE 0 END) AS refused,
                   SUM(CASE WHEN received_at >= \(bind: start) AND received_at < \(bind: end) AND scrutiny_requested_at IS NOT NULL THEN 1 ELSE 0 END) AS scrutiny,
                   SUM(CASE WHEN received_at >= \(bind: start) AND received_at < \(bind: end) AND scrutiny_outcome = 'struck-down' THEN 1 ELSE 0 END) AS struck,
                   SUM(CASE WHEN removed_at >= \(bind: start) AND removed_at < \(bind: end) AND kind = \(bind: order) THEN 1 ELSE 0 END) AS "afterOrders",
                   SUM(CASE WHEN removed_at >= \(bind: start) AND removed_at < \(bind: end) AND kind = \(bind: referral) THEN 1 ELSE 0 END) AS own,
                   SUM(CASE WHEN removed_at >= \(bind: start) AND removed_at < \(bind: end) AND removal_action = 'removed' THEN 1 ELSE 0 END) AS removed,
                   SUM(CASE WHEN removed_at >= \(bind: start) AND removed_at < \(bind: end) AND removal_action = 'disabled' THEN 1 ELSE 0 END) AS disabled,
                   SUM(CASE WHEN breached_at >= \(bind: start) AND breached_at < \(bind: end) THEN 1 ELSE 0 END) AS breached,
                   SUM(CASE WHEN reinstated_at >= \(bind: start) AND reinstated_at < \(bind: end) THEN 1 ELSE 0 END) AS reinstated
            FROM cases WHERE platform_id = \(bind: organisation) AND received_at < \(bind: end.addingTimeInterval(1))
            AND updated_at >= \(bind: start)
            """).first(decoding: PlatformRow.self) {
            figures.asPlatform.ordersReceived = row.orders ?? 0
            figures.asPlatform.referralsReceived = row.referrals ?? 0
            figures.asPlatform.referralsRefused = row.refused ?? 0
            figures.asPlatform.scrutinyRequests = row.scrutiny ?? 0
            figures.asPlatform.ordersStruckDown = row.struck ?? 0
            figures.asPlatform.removedAfterOrders = row.afterOrders ?? 0
            figures.asPlatform.removedByOwnMeasures = row.own ?? 0
            figures.asPlatform.removed = row.removed ?? 0
            figures.asPlatform.disabled = row.disabled ?? 0
            figures.asPlatform.deadlinesBreached = row.breached ?? 0
            figures.asPlatform.reinstatements = row.reinstated ?? 0
        }
        struct ComplaintRow: Decodable {
            var total: Int?, upheld: Int?, rejected: Int?
        }
        if let row = try await sql.raw("""
            SELECT COUNT(*) AS total, SUM(CASE WHEN outcome = 'upheld' THEN 1 ELSE 0 END) AS upheld,
                   SUM(CASE WHEN outcome = 'rejected' THEN 1 ELSE 0 END) AS rejected
            FROM complaints WHERE platform_id = \(bind: organisation) AND filed_at >= \(bind: start) AND filed_at < \(bind: end)
            """).first(decoding: ComplaintRow.self) {
            figures.asPlatform.complaints = row.total ?? 0
            figures.asPlatform.complaintsUpheld = row.upheld ?? 0
            figures.asPlatform.complaintsRejected = row.rejected ?? 0
            figures.asPlatform.complaintsPending = (row.total ?? 0) - (row.upheld ?? 0) - (row.rejected ?? 0)
        }

        struct IssuerRow: Decodable {
            var orders: Int?, referrals: Int?, ordersRemoved: Int?, referralsRemoved: Int?, ordersGone: Int?, referralsGone: Int?,
                breached: Int?
            var q15: Int?, q30: Int?, q60: Int?, q1440: Int?, over: Int?
        }
        let gone = "(removed_at IS NULL AND EXISTS (SELECT 1 FROM case_urls u WHERE u.case_id = cases.id AND u.status = 'gone'))"
        if let row = try await sql.raw("""
            SELECT SUM(CASE WHEN kind = \(bind: order) THEN 1 ELSE 0 END) AS orders,
                   SUM(CASE WHEN kind = \(bind: referral) THEN 1 ELSE 0 END) AS referrals,
                   SUM(CASE WHEN kind = \(bind: order) AND removed_at IS NOT NULL THEN 1 ELSE 0 END) AS "ordersRemoved",
                   SUM(CASE WHEN kind = \(bind: referral) AND removed_at IS NOT NULL THEN 1 ELSE 0 END) AS "referralsRemoved",
                   SUM(CASE WHEN kind = \(bind: order) AND \(unsafeRaw: gone) THEN 1 ELSE 0 END) AS "ordersGone",
                   SUM(CASE WHEN kind = \(bind: referral) AND \(unsafeRaw: gone) THEN 1 ELSE 0 END) AS "referralsGone",
                   SUM(CASE WHEN breached_at IS NOT NULL THEN 1 ELSE 0 END) AS breached,
                   SUM(CASE WHEN kind = \(bind: order) AND removal_seconds <= 900 THEN 1 ELSE 0 END) AS q15,
                   SUM(CASE WHEN kind = \(bind: order) AND removal_seconds > 900 AND removal_seconds <= 1800 THEN 1 ELSE 0 END) AS q30,
                   SUM(CASE WHEN kind = \(bind: order) AND removal_seconds > 1800 AND removal_seconds <= 3600 THEN 1 ELSE 0 END) AS q60,
                   SUM(CASE WHEN kind = \(bind: order) AND removal_seconds > 3600 AND removal_seconds <= 86400 THEN 1 ELSE 0 END) AS q1440,
                   SUM(CASE WHEN kind = \(bind: order) AND removal_seconds > 86400 THEN 1 ELSE 0 END) AS over
            FROM cases WHERE issuer_id = \(bind: organisation) AND received_at >= \(bind: start) AND received_at < \(bind: end)
            """).first(decoding: IssuerRow.self) {
            var issuer = TransparencyFigures.IssuerFigures()
            issuer.ordersIssued = row.orders ?? 0
            issuer.referralsIssued = row.referrals ?? 0
            issuer.ordersRemoved = row.ordersRemoved ?? 0
            issuer.referralsRemoved = row.referralsRemoved ?? 0
            issuer.ordersFoundGone = row.ordersGone ?? 0
            issuer.referralsFoundGone = row.referralsGone ?? 0
            issuer.orderRemovalRate = issuer.ordersIssued == 0 ? 0 : Double(issuer.ordersRemoved) / Double(issuer.ordersIssued)
            issuer.referralRemovalRate = issuer.referralsIssued == 0 ? 0 : Double(issuer.referralsRemoved) / Double(issuer.referralsIssued)
            issuer.deadlinesBreached = row.breached ?? 0
            issuer.timeToRemoval = .init(within15Minutes: row.q15 ?? 0, within30Minutes: row.q30 ?? 0, within1Hour: row.q60 ?? 0,
                                         within24Hours: row.q1440 ?? 0, over24Hours: row.over ?? 0)
            let timed = [row.q15, row.q30, row.q60, row.q1440, row.over].reduce(0) { $0 + ($1 ?? 0) }
            if timed > 0 {
                let ranks = [(timed - 1) / 2, (timed * 9 - 1) / 10]
                let seconds = try await removalSeconds(sql, organisation, start, end, ranks: ranks)
                issuer.timeToRemoval.medianSeconds = seconds[ranks[0]]
                issuer.timeToRemoval.p90Seconds = seconds[ranks[1]]
            }
            figures.asIssuer = issuer
        }
        return figures
    }

    /// The times to removal of the issuer's orders in the period at the given ranks
    /// (0 = fastest), from one sort.
    private func removalSeconds(_ sql: any SQLDatabase, _ organisation: UUID, _ start: Date, _ end: Date,
                                ranks: [Int]) async throws -> [Int: Double] {
        struct Row: Decodable { var r: Int, s: Double }
        let rows = try await sql.raw("""
            SELECT r, s FROM (
                SELECT removal_seconds AS s, ROW_NUMBER() OVER (ORDER BY removal_seconds) - 1 AS r
                FROM cases WHERE issuer_id = \(bind: organisation) AND kind = \(bind: CaseKind.removalOrder.rawValue)
                AND received_at >= \(bind: start) AND received_at < \(bind: end) AND removal_seconds IS NOT NULL
            ) ranked WHERE r IN (\(unsafeRaw: ranks.map(String.init).joined(separator: ", ")))
            """).all(decoding: Row.self)
        return Dictionary(rows.map { ($0.r, $0.s) }, uniquingKeysWith: { first, _ in first })
    }
}
