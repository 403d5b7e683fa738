import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import Foundation
import HTTPTypes
import Hummingbird

/// The yearly transparency report (Art. 7 and 8 of Regulation 2021/784), as a page with
/// charts and as CSV.
extension WebPages {
    func addTransparencyRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("transparency") { request, context in
            let caller = try Self.session(context).caller
            let year = try Self.year(request, now: services.now())
            let figures = try await services.transparency(of: nil, year: year, by: caller)
            let platform = Self.platformRows(figures), issuer = Self.issuerRows(figures)
            return page("transparency", title: "Transparency", [
                "year": year,
                "platform": platform.map { ["name": $0.0, "value": $0.1] }, "issuer": issuer.map { ["name": $0.0, "value": $0.1] },
                "platformChart": SVGChart.bars(platform.prefix(6).map { ($0.0, $0.1) }, title: "Orders and referrals received"),
                "issuerChart": SVGChart.bars(issuer.prefix(4).map { ($0.0, $0.1) }, title: "Orders and referrals issued"),
                "network": Self.networkData(try await services.networkReport(year: year, by: caller)),
            ], context: context)
        }
        router.get("transparency.csv") { request, context in
            let caller = try Self.session(context).caller
            let year = try Self.year(request, now: services.now())
            let figures = try await services.transparency(of: nil, year: year, by: caller)
            let csv = figures.csv
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"transparency-\(year).csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: csv)))
        }
    }

    static func year(_ request: Request, now: Date) throws -> Int {
        guard let text = request.query("year") else { return Calendar(identifier: .gregorian).component(.year, from: now) }
        guard let year = Int(text), (2000...2100).contains(year) else { throw ServiceError.invalid("year", "year is a year such as 2026") }
        return year
    }

    static func platformRows(_ f: TransparencyFigures) -> [(String, Int)] {
        let p = f.asPlatform
        return [("Removal orders received", p.ordersReceived), ("Referrals received", p.referralsReceived),
                ("Removed after orders", p.removedAfterOrders), ("Removed by own measures", p.removedByOwnMeasures),
                ("Referrals refused", p.referralsRefused), ("Deadlines breached", p.deadlinesBreached),
                ("Complaints", p.complaints), ("Complaints upheld", p.complaintsUpheld), ("Complaints rejected", p.complaintsRejected),
                ("Reinstatements", p.reinstatements), ("Scrutiny requests", p.scrutinyRequests)]
    }

    static func issuerRows(_ f: TransparencyFigures) -> [(String, Int)] {
        let a = f.asIssuer, t = a.timeToRemoval
        return [("Removal orders issued", a.ordersIssued), ("Referrals issued", a.referralsIssued),
                ("Orders leading to removal", a.ordersRemoved), ("Referrals leading to removal", a.referralsRemoved),
                ("Orders found gone, unconfirmed", a.ordersFoundGone), ("Referrals found gone, unconfirmed", a.referralsFoundGone),
                ("Deadlines breached", a.deadlinesBreached), ("Removed within 15 minutes", t.within15Minutes),
                ("Removed within 30 minutes", t.within30Minutes), ("Removed within 1 hour", t.within1Hour),
                ("Removed within 24 hours", t.within24Hours), ("Removed after 24 hours", t.over24Hours)]
    }
}
