import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import Foundation
import HTTPTypes
import Hummingbird

/// The audit log, with the chain's verification where the caller may verify it.
extension WebPages {
    func addAuditRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("audit") { request, context in
            let caller = try Self.session(context).caller
            var since = 0
            if let text = request.query("since") {
                guard let value = Int(text), value >= 0 else { throw ServiceError.invalid("since", "since is an entry number") }
                since = value
            }
            let action = request.query("action")
            var entries: [API.AuditPage.Entry] = [], next = since
            // Filtered pages read on until they have a page's worth (or the log ends).
            repeat {
                let page = try await services.auditLog(since: next, limit: 200, by: caller)
                entries += page.entries.filter { action == nil || $0.action.hasPrefix(action!) }
                if page.entries.isEmpty || page.next == next { next = -1; break }
                next = page.next
            } while entries.count < 100
            let names = try await organisationNames(caller)
            var data: [String: Any] = [
                "entries": entries.prefix(100).map {
                    ["id": $0.id, "at": PageValues.time($0.at), "organisation": $0.organisationID.flatMap { names[$0] } ?? "hub",
                     "action": $0.action, "target": $0.target, "detail": PageValues.detail($0.detail)] as [String: Any]
                },
                "hasEntries": !entries.isEmpty, "filter": ["action": action ?? ""],
                "next": entries.count >= 100 ? "/audit?since=\(entries[99].id)" + (action.map { "&action=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" } ?? "") : false,
            ]
            if may(.verifyAudit, caller) {
                let verification = try await services.verifyAudit(by: caller)
                data["verified"] = verification.verified
                data["verification"] = verification.verified
                    ? "The audit chain verifies: \(verification.sealed) entries sealed, \(verification.checkpoints) signed checkpoints, \(verification.unsealed) awaiting their seal."
                    : "The audit chain does NOT verify: \(verification.problems.count) problem(s) found."
            }
            return page("audit", title: "Audit", data, context: context)
        }
    }
}
