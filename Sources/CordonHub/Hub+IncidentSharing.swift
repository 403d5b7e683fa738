import CordonDomain
import CordonStore
import Foundation
import Hummingbird

extension Hub {
    /// What members share during an active incident: hashes (matchable at once), URLs
    /// (which become referrals in one step), match counts and notes.
    func addIncidentSharingRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.post("incidents/:id/hashes") { request, context -> EditedResponse<API.SubmissionResult> in
            let caller = try context.requireCaller()
            guard caller.role.canContribute else { throw APIError.forbidden("contributing needs a contributor or admin key") }
            let id = try Self.uuidParameter(context, "id", field: "incident")
            let valid = try validated(try await request.decodeJSON(API.Submission.self, context: context))
            let receipt = try await storeCall { try await store.contributeHashes(valid, to: id, by: caller, now: now()) }
            try await signalsChanged(receipt.changes)
            incidentsChanged()
            return EditedResponse(status: .created, response: API.SubmissionResult(
                results: receipt.results.map { .init(outcome: $0.outcome, id: $0.signal.id, signal: .init($0.signal)) }))
        }
        v1.post("incidents/:id/urls") { request, context -> EditedResponse<API.SharedURLOut> in
            let caller = try context.requireCaller()
            try requireActing(caller)
            let id = try Self.uuidParameter(context, "id", field: "incident")
            let body = try await request.decodeJSON(API.SharedURLIn.self, context: context)
            let url = try Self.rule { () throws(RuleError) in try RemovalOrderContent.validateURLs([body.url], field: "url")[0] }
            if let views = body.views, views < 0 { throw APIError.invalid("views", "views is a count: 0 or more") }
            let note = body.note ?? ""
            guard note.count <= 2000 else { throw APIError.invalid("note", "note is at most 2,000 characters") }
            let firstSeen = try body.firstSeenAt.map { try Self.date($0, field: "firstSeenAt") }
            let record = try await storeCall {
                try await store.shareURL(url.normalised, platform: body.platform, firstSeenAt: firstSeen, views: body.views,
                                         note: note, in: id, by: caller, now: now())
            }
            incidentsChanged()
            return EditedResponse(status: .created, response: API.SharedURLOut(record, state: "shared"))
        }
        v1.get("incidents/:id/urls") { _, context -> [API.SharedURLOut] in
            let caller = try context.requireCaller()
            let record = try await storeCall { try await store.incident(try Self.uuidParameter(context, "id", field: "incident"), for: caller) }
            return try await store.sharedURLs(of: record.id!).map { API.SharedURLOut($0.0, state: $0.1) }
        }
        v1.post("incidents/:id/urls/:url/referral") { request, context -> EditedResponse<API.CaseOut> in
            let sentAt = now()
            let caller = try context.requireCaller()
            guard [.authority, .referralUnit, .trustedFlagger].contains(caller.kind) else {
                throw APIError.forbidden("referrals come from authorities, referral units and trusted flaggers")
            }
            try requireActing(caller)
            let id = try Self.uuidParameter(context, "id", field: "incident")
            guard let urlID = context.parameters.get("url").flatMap({ Int($0) }) else {
                throw APIError.invalid("url", "the shared URL's id is a whole number")
            }
            let body = try await request.decodeJSON(API.URLReferralIn.self, context: context)
            let (incident, shared) = try await storeCall { try await store.sharedURL(urlID, in: id, for: caller) }
            guard !incident.drill else {
                throw APIError(.conflict, code: "conflict", field: "incident",
                               message: "this is a drill: its URLs do not become real referrals")
            }
            guard let platform = body.platform ?? shared.platformID else {
                throw APIError.invalid("platform", "name the hosting platform: the URL was shared without one")
            }
            let statement = try Self.text(body.statement, field: "statement")
            let url = try Self.rule { () throws(RuleError) in try RemovalOrderContent.validateURLs([shared.url], field: "url")[0] }
            let new = NewCase(kind: .referral, platformID: platform, reference: body.reference ?? "incident \(id.uuidString.prefix(8))",
                              urls: [url], hashes: [], categories: body.categories ?? [], statement: statement, override: false)
            let record = try await storeCall {
                try await store.openCase(new, by: caller, sentAt: sentAt, receivedAt: now(), receipt: nil, rules: configuration.desk)
            }
            try await storeCall { try await store.linkSharedURL(urlID, in: incident, to: record.id!, by: caller, now: now()) }
            casesChanged()
            incidentsChanged()
            return EditedResponse(status: .created, response: API.CaseOut(record))
        }
        v1.post("incidents/:id/matches") { request, context -> EditedResponse<API.Accepted> in
            let caller = try context.requireCaller()
            try requireActing(caller)
            guard caller.kind == .platform else { throw APIError.forbidden("match counts are reported by platforms") }
            let id = try Self.uuidParameter(context, "id", field: "incident")
            let body = try await request.decodeJSON(API.MatchReportIn.self, context: context)
            guard (0...100_000_000).contains(body.matches) else { throw APIError.invalid("matches", "matches is a count from 0 to 100,000,000") }
            let hour = try body.hour.map { try Self.date($0, field: "hour") } ?? now()
            guard hour <= now().addingTimeInterval(300) else { throw APIError.invalid("hour", "hour cannot be in the future") }
            try await storeCall { try await store.reportMatches(body.matches, hour: hour, in: id, by: caller, now: now()) }
            incidentsChanged()
            return EditedResponse(status: .created, response: API.Accepted(accepted: true))
        }
        v1.post("incidents/:id/notes") { request, context -> EditedResponse<API.Accepted> in
            let caller = try context.requireCaller()
            try requireActing(caller)
            let id = try Self.uuidParameter(context, "id", field: "incident")
            let note = try Self.text(try await request.decodeJSON(API.NoteIn.self, context: context).note, field: "note")
            try await storeCall { try await store.addNote(note, in: id, by: caller, now: now()) }
            incidentsChanged()
            return EditedResponse(status: .created, response: API.Accepted(accepted: true))
        }
    }
}
