import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import Foundation
import HTTPTypes
import Hummingbird

/// A mirror's review queue: the cases its uploads opened, by priority or newest first,
/// decided one at a time or many at once, undone within the window; repeat uploaders.
/// Served by `cordon mirror` over its ``MirrorDesk``.
extension WebPages {
    func addReviewRoutes(to router: RouterGroup<HubRequestContext>, desk: MirrorDesk) {
        router.get("/") { _, _ in Self.redirect("/review") }
        router.get("review") { request, context in try await queuePage(request, desk: desk, context: context) }
        router.get("review/:id") { _, context in
            try await reviewCasePage(try Hub.intParameter(context, "id", field: "case"), desk: desk, context: context)
        }
        router.get("review/:id/media") { _, context in
            // The preserved file, for the blurred preview: never cached, shown only as what its bytes are.
            let id = try Hub.intParameter(context, "id", field: "case")
            guard let media = try await desk.keptMedia(ofCase: id, by: try Self.session(context).caller), let type = media.contentType,
                  let bytes = FileManager.default.contents(atPath: media.path) else {
                throw ServiceError.notFound("case", "case \(id)'s upload has no kept file a browser can show")
            }
            return Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-store", .contentDisposition: "inline"],
                            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.post("review/:id/decision") { request, context in
            let id = try Hub.intParameter(context, "id", field: "case")
            return try await submit(request, context) { form, caller in
                _ = try await desk.decide(id, DecisionIn(decision: form["decision"] ?? "", reason: form["reason"] ?? ""), by: caller)
                return Self.redirect("/review/\(id)")
            } refused: { error, _ in
                try await reviewCasePage(id, desk: desk, context: context,
                                         errors: Self.errors(error, fields: ["decision", "reason"]), status: error.status)
            }
        }
        router.post("review/:id/appeal") { request, context in
            let id = try Hub.intParameter(context, "id", field: "case")
            return try await submit(request, context) { form, caller in
                _ = try await desk.appeal(id, AppealIn(outcome: form["outcome"] ?? ""), by: caller)
                return Self.redirect("/review/\(id)")
            } refused: { error, _ in
                try await reviewCasePage(id, desk: desk, context: context, errors: ["outcome": error.message], status: error.status)
            }
        }
        router.post("review/:id/undo") { request, context in
            let id = try Hub.intParameter(context, "id", field: "case")
            return try await submit(request, context) { _, caller in
                _ = try await desk.undo(id, by: caller)
                return Self.redirect("/review/\(id)")
            } refused: { error, _ in
                try await reviewCasePage(id, desk: desk, context: context, errors: ["undo": error.message], status: error.status)
            }
        }
        router.post("review/decisions") { request, context in
            try await submit(request, context) { form, caller in
                let ids = try form.all("cases").map { text -> Int in
                    guard let id = Int(text) else { throw ServiceError.invalid("cases", "'\(text)' is not a case") }
                    return id
                }
                _ = try await desk.decide(BulkDecisionIn(cases: ids, decision: form["decision"] ?? "", reason: form["reason"] ?? ""), by: caller)
                return Self.redirect("/review?state=decided")
            } refused: { error, _ in
                try await queuePage(request, desk: desk, context: context,
                                    errors: Self.errors(error, fields: ["cases", "decision", "reason"]), status: error.status)
            }
        }
    }

    private func queuePage(_ request: Request, desk: MirrorDesk, context: HubRequestContext, errors: [String: String] = [:],
                           status: HTTPResponse.Status = .ok) async throws -> Response {
        let caller = try Self.session(context).caller
        let state = request.query("state") ?? "open"
        let order = HubStore.ReviewOrder(rawValue: request.query("order") ?? "priority") ?? .priority
        let found = try await desk.cases(state: state == "all" ? nil : state, order: order, cursor: request.query("cursor"),
                                        limit: 50, by: caller)
        let accounts = try await desk.repeatUploaders(days: 30, limit: 10, by: caller)
        let states = ["open", "decided", "closed", "all"].map { ["value": $0, "selected": $0 == state] }
        let orders = HubStore.ReviewOrder.allCases.map { ["value": $0.rawValue, "selected": $0 == order] }
        return page("review", title: "Review queue", [
            "cases": found.cases.map(caseRow), "hasCases": !found.cases.isEmpty, "state": state, "order": order.rawValue,
            "states": states, "orders": orders, "isOpen": state == "open", "mayDecide": may(.decideReviewCase, caller),
            "next": found.next.map { "/review?state=\(state)&order=\(order.rawValue)&cursor=\($0)" } ?? false,
            "decisions": ReviewDecision.allCases.map(\.rawValue), "reasons": ReviewDecision.reasons,
            "accounts": accounts.map { ["account": $0.accountID, "matched": $0.matched, "removed": $0.removed, "last": PageValues.time($0.lastUploadAt)] },
            "hasAccounts": !accounts.isEmpty, "errors": errors,
        ], context: context, status: status)
    }

    private func reviewCasePage(_ id: Int, desk: MirrorDesk, context: HubRequestContext, errors: [String: String] = [:],
                                status: HTTPResponse.Status = .ok) async throws -> Response {
        let caller = try Self.session(context).caller
        let item = try await desk.reviewCase(id, by: caller)
        var data = caseRow(item)
        data["upload"] = item.upload.map { upload -> [String: Any] in
            ["contentID": upload.contentID, "accountID": upload.accountID ?? "—", "clientContext": upload.clientContext ?? "—",
             "pdq": upload.pdq ?? "—", "md5": upload.md5 ?? "—", "sha256": upload.sha256 ?? "—",
             "receivedAt": PageValues.time(upload.receivedAt), "expiresAt": PageValues.time(upload.expiresAt)]
        } ?? false
        data["matches"] = item.matches.map { match -> [String: Any] in
            var row: [String: Any] = ["signalID": match.signalID, "distance": match.distance]
            if let signal = match.signal {
                row["type"] = signal.type.rawValue
                row["labels"] = PageValues.labels(signal.labels)
                row["status"] = signal.status.rawValue
                row["contributors"] = signal.contributors.count
                row["confidence"] = String(format: "%.2f", signal.confidence)
            }
            return row
        }
        let media = desk.keptMedia(of: item)
        data["preview"] = media?.contentType == nil ? false : ["src": "/review/\(id)/media", "isVideo": media?.isVideo == true]
        data["mediaKept"] = desk.options.mediaFolder != nil
        data["decision"] = item.reviewCase.decision ?? false
        data["reason"] = item.reviewCase.reason ?? ""
        data["decidedAt"] = PageValues.time(item.reviewCase.decidedAt)
        data["publishedAt"] = item.reviewCase.publishedAt.map(PageValues.time) ?? false
        data["undoUntil"] = item.undoUntil.map(PageValues.time) ?? false
        data["undoLeft"] = item.undoUntil.map { PageValues.timeLeft($0, now: desk.services.now()) } ?? ""
        data["mayDecide"] = item.reviewCase.state == "open" && may(.decideReviewCase, caller)
        data["appeal"] = item.appeal?.rawValue ?? false
        data["mayAppeal"] = item.reviewCase.decision == ReviewDecision.remove.rawValue && item.reviewCase.publishedAt != nil
            && item.appeal == nil && may(.decideReviewCase, caller)
        data["outcomes"] = AppealOutcome.allCases.map(\.rawValue)
        data["decisions"] = ReviewDecision.allCases.map(\.rawValue)
        data["reasons"] = ReviewDecision.reasons
        data["errors"] = errors
        return page("review-case", title: "Review case \(id)", data, context: context, status: status, current: "Review queue")
    }

    private func caseRow(_ item: CaseOut) -> [String: Any] {
        let best = item.matches.min { $0.distance < $1.distance }
        return [
            "id": item.reviewCase.id, "state": item.reviewCase.state, "origin": item.reviewCase.origin,
            "priority": item.reviewCase.priority, "openedAt": PageValues.time(item.reviewCase.openedAt),
            "contentID": item.upload?.contentID ?? "—", "accountID": item.upload?.accountID ?? "—",
            "accountMatched": item.account?.matched ?? 0, "accountRemoved": item.account?.removed ?? 0,
            "distance": best.map { String($0.distance) } ?? "—", "labels": best?.signal.map { PageValues.labels($0.labels) } ?? "",
            "automated": item.reviewCase.automated, "decisionText": item.reviewCase.decision ?? false,
        ]
    }
}
