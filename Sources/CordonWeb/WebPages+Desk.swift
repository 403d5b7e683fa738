import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import Foundation
import HTTPTypes
import Hummingbird

/// The referral desk: a platform's inbox with the one-hour clock, live; a case's page with
/// its actions; an authority's issued cases and its referrals.
extension WebPages {
    func addDeskRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("desk") { request, context in try await deskPage(request, context: context) }
        router.get("desk/rows") { request, context in
            let caller = try Self.session(context).caller
            return fragment("desk-rows", try await deskRows(caller, view: try Self.view(request, caller), before: try Self.before(request)))
        }
        router.get("desk/stream") { request, context in
            let caller = try Self.session(context).caller
            return try await EventStream.response(try services.caseEventStream(by: caller).named("message"), request: request, encoder: JSONEncoder())
        }
        router.post("desk/referrals") { request, context in
            let form = try await form(request, context)
            let caller = try Self.session(context).caller
            do {
                var fields: [String: Any] = [
                    "platform": form["platform"] ?? "", "statement": form["statement"] ?? "",
                    "urls": (form["urls"] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                        .filter { !$0.isEmpty },
                ]
                if let reference = form["reference"] { fields["reference"] = reference }
                if let category = form["category"] { fields["categories"] = [category] }
                let made = try await services.refer(try Self.decode(API.NewReferral.self, fields), by: caller)
                return Self.redirect("/desk/cases/\(made.id)")
            } catch let error as ServiceError {
                return try await deskPage(request, context: context, form: form.echo,
                                          errors: Self.errors(error, fields: ["platform", "urls", "statement", "reference"]),
                                          status: error.status)
            }
        }
        router.post("desk/orders/prepare") { request, context in
            let form = try await form(request, context)
            let caller = try Self.session(context).caller
            do {
                guard let platform = form["platform"].flatMap(UUID.init(uuidString:)) else {
                    throw ServiceError.invalid("order", "choose the platform")
                }
                let order = RemovalOrderContent(
                    referenceNumber: form["reference"] ?? "", issuingAuthority: caller.organisationID, platform: platform,
                    urls: (form["urls"] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                    reasons: try form["category"].map { [try Self.decode(ContentCategory.self, $0, field: "order")] } ?? [],
                    statement: form["statement"] ?? "", legalBasis: form["legalBasis"] ?? "", redress: form["redress"] ?? "",
                    issuedAt: HubStore.iso(services.now()))
                return try await signPage(try services.prepare(order, by: caller), reference: order.referenceNumber, context: context)
            } catch let error as ServiceError {
                return try await deskPage(request, context: context, form: form.echo, errors: ["order": error.message], status: error.status)
            }
        }
        router.post("desk/orders") { request, context in
            let form = try await form(request, context)
            let caller = try Self.session(context).caller
            let text = form.all("order").first ?? ""
            do {
                guard let order = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else {
                    throw ServiceError.invalid("order", "the order is not JSON; prepare it again")
                }
                let made = try await services.issue(try Self.decode(API.NewOrder.self, [
                    "order": order, "signingKey": form["signingKey"] ?? "", "signature": form["signature"] ?? "",
                ]), by: caller)
                return Self.redirect("/desk/cases/\(made.id)")
            } catch let error as ServiceError {
                return try await signPage(text, reference: "", context: context, errors: ["signature": error.description], status: error.status)
            }
        }
        router.post("desk/orders/upload") { request, context in
            let form = try await form(request, context)
            let caller = try Self.session(context).caller
            do {
                guard let file = form.files["file"],
                      let body = try? JSONSerialization.jsonObject(with: Data(file.body)) as? [String: Any] else {
                    throw ServiceError.invalid("upload", "choose the JSON file `cordon order sign` printed")
                }
                let made = try await services.issue(try Self.decode(API.NewOrder.self, body), by: caller)
                return Self.redirect("/desk/cases/\(made.id)")
            } catch let error as ServiceError {
                return try await deskPage(request, context: context, errors: ["upload": error.description], status: error.status)
            }
        }
        router.get("desk/cases/:id") { _, context in try await casePage(try Self.uuid(context, "id"), context: context) }
        router.get("desk/cases/:id/summary") { _, context in
            let id = try Self.uuid(context, "id")
            return fragment("case-summary", try await caseData(id, caller: try Self.session(context).caller))
        }
        /// A use case on the case in the path; a refusal shows the case again, the message at `field`.
        func caseAction(_ path: String, field: String, _ body: @escaping @Sendable (UUID, PageForm, Caller) async throws -> Void) {
            router.post(RouterPath(path)) { request, context in
                let id = try Self.uuid(context, "id")
                return try await submit(request, context) { form, caller in
                    try await body(id, form, caller)
                    return Self.redirect("/desk/cases/\(id)")
                } refused: { error, _ in
                    try await casePage(id, context: context, errors: [field: error.message], status: error.status)
                }
            }
        }
        caseAction("desk/cases/:id/act", field: "action") { id, form, caller in
            var fields: [String: Any] = ["action": form["action"] ?? ""]
            for name in ["reason", "detail", "removal"] { if let value = form[name] { fields[name] = value } }
            _ = try await services.act(on: id, try Self.decode(API.ActionIn.self, fields), by: caller)
        }
        caseAction("desk/cases/:id/preservations", field: "contentReference") { id, form, caller in
            var fields: [String: Any] = ["contentReference": form["contentReference"] ?? ""]
            if let file = form.files["evidence"] { fields["evidence"] = Data(file.body).base64EncodedString() }
            _ = try await services.preserve(id, try Self.decode(API.PreservationIn.self, fields), by: caller)
        }
        caseAction("desk/cases/:id/scrutiny", field: "scrutiny") { id, form, caller in
            _ = try await services.requestScrutiny(of: id, try Self.decode(API.ScrutinyRequestIn.self, ["reason": form["reason"] ?? ""]), by: caller)
        }
        caseAction("desk/cases/:id/scrutiny/decision", field: "scrutiny") { id, form, caller in
            _ = try await services.decideScrutiny(of: id, try Self.decode(API.DecisionIn.self, [
                "outcome": form["outcome"] ?? "", "reasons": form["reasons"] ?? ""]), by: caller)
        }
        caseAction("desk/cases/:id/complaints", field: "text") { id, form, caller in
            _ = try await services.fileComplaint(on: id, try Self.decode(API.ComplaintIn.self, ["statement": form["text"] ?? ""]), by: caller)
        }
    }

    private static func view(_ request: Request, _ caller: Caller) throws -> HubStore.CaseView {
        guard let text = request.query("view") else { return caller.kind == .platform ? .inbox : .issued }
        return try decode(HubStore.CaseView.self, text, field: "view")
    }

    /// Cases received before this time: the desk's next page.
    private static func before(_ request: Request) throws -> Date? {
        guard let text = request.query("before") else { return nil }
        guard let date = RemovalOrderContent.parseDate(text) else { throw ServiceError.invalid("before", "before is a time such as 2026-12-01T10:00:00Z") }
        return date
    }

    private func deskRows(_ caller: Caller, view: HubStore.CaseView, before: Date?) async throws -> [String: Any] {
        let now = services.now()
        let names = try await organisationNames(caller)
        let open: Set<CaseState> = [.received, .acknowledged, .suspended]
        let page = try await services.cases(view: view, kind: nil, state: nil, before: before, limit: 100, by: caller)
        let cases = page.cases.sorted { a, b in
            let aOpen = open.contains(a.state), bOpen = open.contains(b.state)
            if aOpen != bOpen { return aOpen }
            return (a.deadline ?? .distantFuture, b.receivedAt) < (b.deadline ?? .distantFuture, a.receivedAt)
        }
        return ["cases": cases.map { caseRow($0, names: names, now: now) }, "hasCases": !cases.isEmpty,
                "older": page.next.map { "/desk?view=\(view.rawValue)&before=\(HubStore.iso($0))" } ?? false]
    }

    private func deskPage(_ request: Request, context: HubRequestContext, form: [String: String] = [:],
                          errors: [String: String] = [:], status: HTTPResponse.Status = .ok) async throws -> Response {
        let caller = try Self.session(context).caller
        let view = try Self.view(request, caller)
        var data = try await deskRows(caller, view: view, before: try Self.before(request))
        let labels: [HubStore.CaseView: String] = [.inbox: "Inbox", .issued: "Issued", .scrutiny: "Scrutiny"]
        data["fragment"] = "/desk/rows?view=\(view.rawValue)" + (request.query("before").map { "&before=\($0)" } ?? "")
        data["viewLabel"] = labels[view] ?? view.rawValue
        data["views"] = HubStore.CaseView.allCases.map { ["value": $0.rawValue, "label": labels[$0] ?? $0.rawValue, "selected": $0 == view] }
        data["mayRefer"] = may(.issueReferral, caller)
        data["mayOrder"] = may(.issueOrder, caller)
        if may(.issueReferral, caller) || may(.issueOrder, caller) {
            data["platforms"] = try await services.organisations(caller).filter { $0.kind == .platform && $0.suspendedAt == nil }
                .map { ["id": $0.id.uuidString, "name": $0.name] }
            data["categories"] = ContentCategory.allCases.map(\.rawValue)
            data["redress"] = "An administrative appeal within one month of receipt."
        }
        data["form"] = form
        data["errors"] = errors
        return page("desk", title: "Referral desk", data, context: context, status: status)
    }

    private func signPage(_ order: String, reference: String, context: HubRequestContext, errors: [String: String] = [:],
                          status: HTTPResponse.Status = .ok) async throws -> Response {
        let caller = try Self.session(context).caller
        let keys = try await services.signingKeys(of: caller.organisationID, by: caller).filter { $0.revokedAt == nil }
        return page("order-sign", title: "Sign removal order", [
            "order": order, "reference": reference, "errors": errors,
            "keys": keys.map { ["id": $0.id.uuidString, "label": "\($0.publicKey.prefix(12))… (registered \(PageValues.time($0.createdAt).prefix(10)))"] },
        ], context: context, status: status, current: "Referral desk")
    }

    private func caseData(_ id: UUID, caller: Caller) async throws -> [String: Any] {
        try await caseData(try await services.case(id, by: caller), caller: caller)
    }

    private func caseData(_ item: API.CaseOut, caller: Caller) async throws -> [String: Any] {
        let id = item.id
        let names = try await organisationNames(caller)
        let now = services.now()
        var summary = caseRow(item, names: names, now: now)
        summary["kindLabel"] = item.kind == .removalOrder ? "Removal order" : "Referral"
        summary["statement"] = item.statement
        summary["categories"] = item.categories.map(\.rawValue).joined(separator: ", ")
        summary["urls"] = item.urls.map { ["url": $0.url, "status": $0.status] }
        summary["removedAt"] = item.removedAt.map(PageValues.time) ?? false
        summary["removalAction"] = item.removalAction?.rawValue ?? ""
        summary["refusalReason"] = item.refusalReason ?? false
        if let order = item.order { summary["order"] = HubStore.json(order) }
        let timeline = try await services.timeline(of: id, by: caller).map {
            ["at": PageValues.time($0.at), "event": $0.event, "detail": PageValues.detail($0.detail)]
        }
        return ["case": summary, "timeline": timeline]
    }

    private func casePage(_ id: UUID, context: HubRequestContext, errors: [String: String] = [:],
                          status: HTTPResponse.Status = .ok) async throws -> Response {
        let caller = try Self.session(context).caller
        let item = try await services.case(id, by: caller)
        var data = try await caseData(item, caller: caller)
        let isPlatform = item.platform == caller.organisationID
        data["mayAct"] = isPlatform && may(.actOnCase, caller) && [.received, .acknowledged, .suspended].contains(item.state)
        data["isReferral"] = item.kind == .referral
        data["inabilityReasons"] = InabilityReason.allCases.map(\.rawValue)
        data["mayComplain"] = isPlatform && may(.fileComplaint, caller) && item.state == .removed
        if isPlatform && may(.preserve, caller) && item.state == .removed {
            data["mayPreserve"] = true
            data["preservations"] = try await services.preservations(of: id, by: caller).map {
                ["at": PageValues.time($0.preservedAt), "reference": $0.contentReference]
            }
        }
        data["mayRequestScrutiny"] = isPlatform && item.kind == .removalOrder && item.scrutiny == nil && may(.requestScrutiny, caller)
        data["mayDecideScrutiny"] = item.scrutiny?.authority == caller.organisationID && item.scrutiny?.outcome == nil
            && may(.decideScrutiny, caller)
        data["errors"] = errors
        return page("case", title: "Case \(item.reference)", data, context: context, status: status, current: "Referral desk")
    }
}

extension Dictionary {
    func mapKeys(_ transform: (Key) -> Key) -> [Key: Value] {
        Dictionary(map { (transform($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}
