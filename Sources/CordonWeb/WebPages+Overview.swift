import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import Foundation
import HTTPTypes
import Hummingbird

/// The overview: what the signed-in person's organisation has to look at first.
extension WebPages {
    func addOverviewRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("/") { _, context in
            let caller = try Self.session(context).caller
            var data: [String: Any] = [:]
            let counts = services.signalCounts(by: caller)
            var byType: [SignalType: Int] = [:]
            for (_, types) in counts { for (type, n) in types { byType[type, default: 0] += n } }
            let total = byType.values.reduce(0, +)
            data["hashTotal"] = total
            data["hashChart"] = SVGChart.bars(byType.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.rawValue, $0.value) },
                                              title: "Hashes by type")
            let collections = may(.listCollections, caller) ? try await services.collections(caller) : []
            data["showHashes"] = may(.listCollections, caller)
            if may(.listCampaigns, caller), caller.kind == .partner {
                let campaigns = try await services.listCampaigns(by: caller).filter { $0.partnerID == caller.organisationID }
                data["showCampaigns"] = true
                data["campaigns"] = campaigns.map { ["id": $0.id.uuidString, "name": $0.name, "state": $0.withdrawn ? "withdrawn" : "running"] }
            }
            data["collections"] = collections.map { ["id": $0.id.uuidString, "name": $0.name,
                                                     "count": counts[$0.id]?.values.reduce(0, +) ?? 0] as [String: Any] }
            data["hasCollections"] = !collections.isEmpty
            if may(.match, caller) {
                let days = try await services.matchCounts(days: 14, by: caller).days
                data["showMatches"] = true
                data["matchedToday"] = days.last?.matched ?? 0
                data["checkedToday"] = days.last?.queries ?? 0
                data["matchChart"] = SVGChart.columns(days.map { (String($0.day.suffix(5)), $0.matched) }, title: "Hashes matched, last 14 days (UTC)")
            }
            if may(.listCases, caller) {
                let now = services.now()
                let (open, more) = try await openCases(caller, limit: 30)
                data["showCases"] = true
                data["openCases"] = "\(open.count)" + (more ? "+" : "")
                data["cases"] = open.prefix(5).map { caseRow($0, names: [:], now: now) }
                data["hasCases"] = !open.isEmpty
            }
            if may(.listIncidents, caller) {
                let incidents = try await services.incidents(state: nil, limit: 50, by: caller)
                    .filter { $0.state == "active" || $0.state == "proposed" }
                data["showIncidents"] = true
                data["incidents"] = incidents.map { ["id": $0.id.uuidString, "title": $0.title, "state": $0.state, "drill": $0.drill] }
                data["hasIncidents"] = !incidents.isEmpty
            }
            return page("overview", title: "Overview", data, context: context)
        }
    }

    /// The caller's open cases (the newest `limit` of each open state), nearest deadline
    /// first, cases without one last; and whether there are more.
    func openCases(_ caller: Caller, limit: Int) async throws -> (cases: [API.CaseOut], more: Bool) {
        var open: [API.CaseOut] = [], more = false
        for state in [CaseState.received, .acknowledged, .suspended] {
            let page = try await services.cases(view: nil, kind: nil, state: state, before: nil, limit: limit, by: caller)
            open += page.cases
            more = more || page.next != nil
        }
        return (open.sorted { ($0.deadline ?? .distantFuture, $0.receivedAt) < ($1.deadline ?? .distantFuture, $1.receivedAt) }, more)
    }

    func caseRow(_ item: API.CaseOut, names: [UUID: String], now: Date) -> [String: Any] {
        var row: [String: Any] = [
            "id": item.id.uuidString, "reference": item.reference.isEmpty ? String(item.id.uuidString.prefix(8)) : item.reference,
            "kind": item.kind.rawValue, "state": item.state.rawValue, "receivedAt": PageValues.time(item.receivedAt),
            "issuer": names[item.issuer] ?? "", "platform": names[item.platform] ?? "",
        ]
        if let deadline = item.deadline, [.received, .acknowledged].contains(item.state) {
            row["deadline"] = PageValues.time(deadline)
            row["deadlineText"] = PageValues.timeLeft(deadline, now: now)
        }
        return row
    }
}
