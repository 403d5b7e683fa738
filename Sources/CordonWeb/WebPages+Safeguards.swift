import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import Foundation
import HTTPTypes
import Hummingbird

/// Safeguards a government or critic can read: the error ledger by label, contributor,
/// algorithm and origin; the hub's transparency report on the dashboard and, with small
/// counts left out, on a public page without sign-in, each also as CSV.
extension WebPages {
    func addSafeguardRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("safeguards") { request, context in
            let caller = try Self.session(context).caller
            let by = request.query("by") ?? "label"
            let report = try await services.ledgerReport(by: by, caller: caller)
            return page("safeguards", title: "Safeguards", [
                "by": by, "dimensions": ["label", "contributor", "algorithm", "origin"].map { ["name": $0, "selected": $0 == by] },
                "rows": report.rows.map { row -> [String: Any] in
                    ["name": row.name, "signals": row.signals, "matches": row.ledger.matches, "actions": row.ledger.actions,
                     "falsePositives": row.ledger.falsePositives, "appeals": row.ledger.appeals, "reinstatements": row.ledger.reinstatements,
                     "rate": row.falsePositiveRate.map { String(format: "%.1f %%", $0 * 100) } ?? "—"]
                },
                "hasRows": !report.rows.isEmpty,
                "chart": SVGChart.bars(report.rows.filter { $0.falsePositiveRate != nil }.prefix(8).map {
                    ($0.name, Int((($0.falsePositiveRate ?? 0) * 1000).rounded()))
                }, title: "False positives per 1,000 decisions"),
            ], context: context)
        }
        router.get("transparency/network.csv") { request, context in
            let caller = try Self.session(context).caller
            let year = try Self.year(request, now: services.now())
            return Self.csv(try await services.networkReport(year: year, by: caller).csv, name: "network-\(year).csv")
        }
    }

    /// The public report: no sign-in, small counts left out.
    func addPublicRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("public/transparency") { request, context in
            let year = try Self.year(request, now: services.now())
            let report = try await services.networkReport(year: year, by: nil).suppressed()
            return page("public-transparency", title: "Transparency \(year)", Self.networkData(report), context: context)
        }
        router.get("public/transparency.csv") { request, _ in
            let year = try Self.year(request, now: services.now())
            return Self.csv(try await services.networkReport(year: year, by: nil).suppressed().csv, name: "transparency-\(year).csv")
        }
    }

    static func csv(_ text: String, name: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\""],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The report's groups, each with its rows and a chart, for a template.
    static func networkData(_ report: API.NetworkReport) -> [String: Any] {
        let titles = ["hashes": "Hashes and unique items", "media": "Unique items by media type", "algorithm": "Hashes by algorithm",
                      "status": "Hashes by status", "feedback": "Hashes by feedback outcome", "contributors": "Contributors by origin",
                      "contributed-hashes": "Hashes by contributor's origin", "cases": "Referrals and orders by issuer's origin",
                      "notices": "Notices (DSA Art. 16)", "notice-content": "Notices by type of content", "incidents": "Crisis protocol"]
        var order: [String] = []
        for cell in report.cells where !order.contains(cell.group) { order.append(cell.group) }
        return [
            "year": report.year, "suppressedBelow": report.suppressedBelow ?? false,
            "groups": order.map { group -> [String: Any] in
                let cells = report.cells.filter { $0.group == group }
                return ["title": titles[group] ?? group, "id": "g-" + group,
                        "rows": cells.map { ["label": $0.label, "count": $0.count.map(String.init) ?? "fewer than \(API.NetworkReport.suppressBelow)"] },
                        "chart": SVGChart.bars(cells.compactMap { cell in cell.count.flatMap { $0 > 0 ? (cell.label, $0) : nil } }, title: titles[group] ?? group)]
            },
            "medians": report.medians.map { ["label": $0.label, "hours": $0.hours.map { String(format: "%.1f h", $0) } ?? ($0.suppressed ? "too few to show" : "—"),
                                             "of": $0.of] },
            "activations": report.activations.map { ["title": $0.title, "level": $0.level, "activatedAt": PageValues.time($0.activatedAt),
                                                     "hours": $0.hours.map { String(format: "%.1f", $0) } ?? "active"] },
            "hasActivations": !report.activations.isEmpty,
        ]
    }
}
