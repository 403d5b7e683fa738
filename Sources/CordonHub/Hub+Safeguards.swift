import CordonDomain
import CordonServices
import Foundation
import Hummingbird

extension Hub {
    /// The error ledger, confirmations and designation changes.
    func addSafeguardRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.get("signals/:id/ledger") { _, context in
            try await services.ledger(of: try Self.intParameter(context, "id", field: "signal"), by: try context.requireCaller())
        }
        v1.post("signals/:id/confirm") { request, context in
            let caller = try context.requireCaller(.confirmSignal, services)
            let id = try Self.intParameter(context, "id", field: "signal")
            return try await services.confirm(id, try await request.decodeJSON(API.Confirmation.self, context: context), by: caller)
        }
        v1.get("ledger") { request, context in
            try await services.ledgerReport(by: Self.stringQuery(request, "by") ?? "label", caller: try context.requireCaller())
        }
        v1.get("reports/network") { request, context in
            let caller = try context.requireCaller()
            let year = try Self.intQuery(request, "year", default: Calendar(identifier: .gregorian).component(.year, from: services.now()), range: 2000...2100)
            let report = try await services.networkReport(year: year, by: caller)
            return try Self.boolQuery(request, "public", default: false) ? report.suppressed() : report
        }
        v1.post("designation-changes") { request, context in
            let caller = try context.requireCaller(.recordDesignationChange, services)
            let body = try await request.decodeJSON(API.DesignationChange.self, context: context)
            return EditedResponse(status: .created, response: try await services.recordDesignationChange(body, by: caller))
        }
    }
}
