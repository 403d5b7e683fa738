import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import Foundation
import HTTPTypes
import Hummingbird

/// Notices (DSA Art. 16): a community worker's form with the four required elements and
/// its signed receipt; a platform's queue, trusted flaggers' notices first on their timer,
/// and its decision form; the register of trusted flaggers, kept by the operator.
extension WebPages {
    func addNoticeRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("notices") { _, context in try await noticesPage(context: context) }
        router.post("notices") { request, context in
            try await submit(request, context) { form, caller in
                let receipt = try await services.submitNotice(try Self.decode(API.NoticeIn.self, [
                    "platform": form["platform"] ?? "", "explanation": form["explanation"] ?? "",
                    "urls": (form["urls"] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                    "locator": form["locator"] ?? "", "notifierName": form["notifierName"] ?? "", "notifierEmail": form["notifierEmail"] ?? "",
                    "bonaFide": form["bonaFide"] == "true", "categories": form.all("categories"),
                ]), by: caller)
                return try await noticePage(receipt.notice.id, context: context, receipt: receipt.receipt)
            } refused: { error, form in
                var echo = form.echo
                echo["categories"] = form.all("categories").joined(separator: ",")
                return try await noticesPage(context: context, form: echo, errors: Self.errors(error, fields: Self.noticeFields), status: error.status)
            }
        }
        router.get("notices/:id") { _, context in try await noticePage(try Self.int(context, "id"), context: context) }
        router.post("notices/:id/decision") { request, context in
            let id = try Self.int(context, "id")
            return try await submit(request, context) { form, caller in
                _ = try await services.decideNotice(id, try Self.decode(API.NoticeDecisionIn.self, [
                    "action": form["action"] ?? "", "ground": form["ground"] ?? "", "explanation": form["explanation"] ?? "",
                    "assessment": form["assessment"] ?? NoticeAssessment.substantiated.rawValue, "redress": form["redress"] ?? "",
                ]), by: caller)
                return Self.redirect("/notices/\(id)")
            } refused: { error, _ in
                try await noticePage(id, context: context, errors: Self.errors(error, fields: ["action", "ground", "explanation", "assessment", "redress"]),
                                     status: error.status)
            }
        }
        router.post("trusted-flaggers") { request, context in
            try await submit(request, context) { form, caller in
                guard let organisation = form["organisation"].flatMap(UUID.init(uuidString:)) else {
                    throw ServiceError.invalid("organisation", "choose the organisation awarded the status")
                }
                var fields: [String: Any] = ["awardingAuthority": form["awardingAuthority"] ?? "", "independence": form["independence"] ?? "",
                                             "expertise": form.all("expertise")]
                if let hours = form["responseHours"] { fields["responseHours"] = Int(hours) ?? -1 }
                if let until = form["validUntil"] { fields["validUntil"] = until + "T00:00:00Z" }
                _ = try await services.registerTrustedFlagger(organisation, try Self.decode(API.TrustedFlaggerIn.self, fields), by: caller)
                return Self.redirect("/notices#register")
            } refused: { error, form in
                try await noticesPage(context: context, form: form.echo, errors: Self.errors(error, fields: Self.registerFields), status: error.status)
            }
        }
        router.get("trusted-flaggers/:id/report") { request, context in
            let caller = try Self.session(context).caller
            let year = try Self.year(request, now: services.now())
            let report = try await services.flaggerReport(try Self.uuid(context, "id"), year: year, by: caller)
            return page("flagger-report", title: "\(report.organisation): report \(year)", [
                "report": ["organisation": report.organisation, "year": year, "authority": report.awardingAuthority,
                           "independence": report.independence, "notices": report.notices,
                           "precision": report.precision.map { String(format: "%.0f %%", $0 * 100) } ?? "—",
                           "median": report.medianHoursToDecision.map { String(format: "%.1f h", $0) } ?? "—"] as [String: Any],
                "rows": report.rows.map { ["platform": $0.platform, "category": $0.category, "action": $0.action, "notices": $0.notices] },
                "chart": SVGChart.bars(Dictionary(grouping: report.rows, by: \.action).map { ($0.key, $0.value.reduce(0) { $0 + $1.notices }) }
                    .sorted { $0.0 < $1.0 }, title: "Notices by action taken"),
            ], context: context, current: "Notices")
        }
        router.post("trusted-flaggers/:id/suspension") { request, context in
            let id = try Self.uuid(context, "id")
            return try await submit(request, context) { form, caller in
                _ = try await services.suspendTrustedFlagger(id, reason: form["reinstate"] == "true" ? nil : form["reason"] ?? "", by: caller)
                return Self.redirect("/notices#register")
            } refused: { error, _ in
                try await noticesPage(context: context, errors: ["reason": error.message], status: error.status)
            }
        }
    }

    static let noticeFields: Set<String> = ["platform", "explanation", "urls", "locator", "notifierName", "notifierEmail", "bonaFide", "categories"]
    static let registerFields: Set<String> = ["organisation", "awardingAuthority", "independence", "expertise", "responseHours", "validUntil"]

    private func noticesPage(context: HubRequestContext, form: [String: String] = [:], errors: [String: String] = [:],
                             status: HTTPResponse.Status = .ok) async throws -> Response {
        let session = try Self.session(context)
        let caller = session.caller
        let organisations = try await services.organisations(caller)
        let names = Dictionary(uniqueKeysWithValues: organisations.map { ($0.id, $0.name) })
        let notices = try await services.notices(open: nil, limit: 200, by: caller)
        let rows: [[String: Any]] = notices.map { item in
            let notice = item.notice
            return ["id": notice.id, "received": notice.platformID == caller.organisationID,
                    "platform": names[notice.platformID] ?? "", "notifier": notice.notifierOrganisation,
                    "categories": notice.categories.map(\.rawValue).joined(separator: ", "), "receivedAt": PageValues.time(notice.receivedAt),
                    "priority": notice.priority, "dueAt": notice.dueAt.map(PageValues.time) ?? false,
                    "timeLeft": notice.dueAt.map { PageValues.timeLeft($0, now: services.now()) } ?? "", "overdue": item.overdue,
                    "state": notice.decision?.action.rawValue ?? "open"]
        }
        let register = try await services.trustedFlaggers(by: caller)
        let eligible = organisations.filter { [.trustedFlagger, .referralUnit, .partner].contains($0.kind) }
        return page("notices", title: "Notices", [
            "notices": rows, "hasNotices": !rows.isEmpty,
            "maySend": may(.submitNotice, caller),
            "platforms": organisations.filter { $0.kind == .platform }.map { ["id": $0.id.uuidString, "name": $0.name, "selected": form["platform"] == $0.id.uuidString] },
            "categories": ContentCategory.allCases.map { ["value": $0.rawValue, "checked": (form["categories"] ?? "").split(separator: ",").contains(Substring($0.rawValue))] },
            "expertise": ContentCategory.allCases.map(\.rawValue),
            "form": form.merging(["notifierName": form["notifierName"] ?? session.userName]) { $1 },
            "register": register.map { entry -> [String: Any] in
                ["id": entry.flagger.organisationID.uuidString, "name": entry.flagger.name, "authority": entry.flagger.awardingAuthority,
                 "expertise": entry.flagger.expertise.isEmpty ? "all" : entry.flagger.expertise.map(\.rawValue).joined(separator: ", "),
                 "active": entry.active, "suspended": entry.flagger.suspended, "reason": entry.flagger.suspensionReason ?? "",
                 "notices": entry.notices, "precision": entry.precision.map { String(format: "%.0f %%", $0 * 100) } ?? "—",
                 "insufficient": entry.insufficientlyPrecise, "unfounded": entry.manifestlyUnfounded, "overdue": entry.overdue,
                 "hours": entry.flagger.responseHours]
            },
            "hasRegister": !register.isEmpty,
            "mayRegister": may(.registerTrustedFlagger, caller),
            "eligible": eligible.map { ["id": $0.id.uuidString, "name": $0.name] },
            "errors": errors,
        ], context: context, status: status)
    }

    private func noticePage(_ id: Int, context: HubRequestContext, receipt: SignedStatement? = nil, errors: [String: String] = [:],
                            status: HTTPResponse.Status = .ok) async throws -> Response {
        let caller = try Self.session(context).caller
        let item = try await services.notice(id, by: caller)
        let notice = item.notice
        let names = try await organisationNames(caller)
        var decision: Any = false
        if let made = notice.decision {
            decision = ["action": made.action.rawValue, "ground": made.ground, "explanation": made.explanation, "assessment": made.assessment.rawValue,
                        "automated": made.automated, "decidedAt": PageValues.time(made.decidedAt), "redress": made.redress]
        }
        return page("notice", title: "Notice \(id)", [
            "id": id, "platform": names[notice.platformID] ?? notice.platformID.uuidString, "notifier": notice.notifierOrganisation,
            "notifierName": notice.notifierName, "notifierEmail": notice.notifierEmail, "explanation": notice.explanation,
            "urls": notice.urls, "locator": notice.locator ?? "", "categories": notice.categories.map(\.rawValue).joined(separator: ", "),
            "receivedAt": PageValues.time(notice.receivedAt), "priority": notice.priority,
            "dueAt": notice.dueAt.map(PageValues.time) ?? false, "overdue": item.overdue,
            "timeLeft": notice.dueAt.map { PageValues.timeLeft($0, now: services.now()) } ?? "",
            "decision": decision,
            "receipt": receipt.map { ["statement": $0.statement, "signature": $0.signature] } ?? false,
            "mayDecide": notice.decision == nil && notice.platformID == caller.organisationID && may(.decideNotice, caller),
            "actions": NoticeAction.allCases.map(\.rawValue), "assessments": NoticeAssessment.allCases.map(\.rawValue),
            "errors": errors,
        ], context: context, status: status, current: "Notices")
    }
}
