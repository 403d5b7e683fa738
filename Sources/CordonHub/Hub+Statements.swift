import CordonDomain
import CordonServices
import Foundation
import Hummingbird

extension Hub {
    func addStatementRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.get("dsa/statements") { request, context in
            try await services.statementsOfReasons(
                before: try Self.beforeQuery(request), limit: try Self.intQuery(request, "limit", default: 100, range: 1...1000),
                includeOrders: try Self.boolQuery(request, "includeOrders", default: false),
                by: try context.requireCaller(.exportStatements, services))
        }
    }
}
