import CordonDomain
import CordonServices
import Hummingbird

extension Hub {
    func addAuditChainRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.get("audit/verify") { _, context in
            try await services.verifyAudit(by: try context.requireCaller(.verifyAudit, services))
        }
        v1.get("audit/chain") { _, context in
            try await services.auditChain(by: try context.requireCaller(.verifyAudit, services))
        }
    }
}
