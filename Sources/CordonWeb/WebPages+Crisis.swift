import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import Foundation
import HTTPTypes
import Hummingbird

/// The crisis room: incidents proposed, voted on by the board, and their live page with
/// the timeline, the situational picture and the contributions of every member.
extension WebPages {
    func addCrisisRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("crisis") { _, context in try await crisisPage(context: context) }
        router.post("crisis") { request, context in
            let form = try await form(request, context)
            let caller = try Self.session(context).caller
            do {
                let occurred = (form["occurredAt"] ?? "").count == 16 ? (form["occurredAt"] ?? "") + ":00Z" : (form["occurredAt"] ?? "")
                let fields: [String: Any] = [
                    "title": form["title"] ?? "", "summary": form["summary"] ?? "", "location": form["location"] ?? "",
                    "occurredAt": occurred, "contentSeen": form["contentSeen"] ?? "", "drill": form["drill"] == "true",
                    "criteria": Dictionary(uniqueKeysWithValues: Self.criteria.map { ($0.0, form[$0.0] == "true") }),
                ]
                let made = try await services.propose(try Self.decode(API.NewIncident.self, fields), by: caller)
                return Self.redirect("/crisis/\(made.id)")
            } catch let error as ServiceError {
                return try await crisisPage(context: context, form: form.echo,
                                            errors: Self.errors(error, fields: ["title", "summary", "location", "occurredAt", "contentSeen", "criteria"]),
                                            status: error.status)
            }
        }
        router.get("crisis/:id") { _, context in try await incidentPage(try Self.uuid(context, "id"), context: context) }
        router.get("crisis/:id/live") { _, context in
            fragment("incident-live", try await incidentData(try Self.uuid(context, "id"), caller: try Self.session(context).caller))
        }
        router.get("crisis/:id/stream") { request, context in
            let id = try Self.uuid(context, "id")
            let stream = try await services.incidentEventStream(incident: id, by: try Self.session(context).caller)
            return try await EventStream.response(stream.named("message"), request: request, encoder: JSONEncoder())
        }
        router.get("crisis/:id/report") { _, context in
            let id = try Self.uuid(context, "id")
            let caller = try Self.session(context).caller
            let report = try await services.report(on: id, by: caller)
            let names = try await organisationNames(caller)
            let picture = report.picture
            return page("report", title: "After-action report", [
                "id": id.uuidString, "title": report.incident.title,
                "chart": SVGChart.bars(picture.hashesPerHour.map { (PageValues.time($0.hour).prefix(13) + "h", $0.count) },
                                       title: "Hashes shared per hour"),
                "figures": [("Hashes", picture.hashes), ("Contributors", picture.contributors), ("Variants", picture.variants),
                            ("Matches reported", picture.matches), ("URLs", picture.urls)].map { ["name": $0.0, "value": $0.1] },
                "timeline": report.timeline.map { Self.eventRow($0, names) },
            ], context: context, current: "Crisis room")
        }
        router.post("crisis/:id/vote") { request, context in
            try await incidentAction(request, context, fields: ["decision"]) { id, form, caller in
                var fields: [String: Any] = ["decision": form["decision"] ?? ""]
                if let reason = form["reason"] { fields["reason"] = reason }
                _ = try await services.vote(on: id, try Self.decode(API.VoteIn.self, fields), by: caller)
            }
        }
        router.post("crisis/:id/hashes") { request, context in
            try await incidentAction(request, context, fields: ["value"]) { id, form, caller in
                let type = try Self.decode(SignalType.self, form["type"] ?? "pdq", field: "value")
                _ = try await services.contributeHashes(
                    API.Submission(signals: [SignalSubmission(type: type, value: form["value"] ?? "")], isBulk: false), to: id, by: caller)
            }
        }
        router.post("crisis/:id/urls") { request, context in
            try await incidentAction(request, context, fields: ["url"]) { id, form, caller in
                var fields: [String: Any] = ["url": form["url"] ?? ""]
                if let note = form["note"] { fields["note"] = note }
                _ = try await services.shareURL(try Self.decode(API.SharedURLIn.self, fields), in: id, by: caller)
            }
        }
        router.post("crisis/:id/matches") { request, context in
            try await incidentAction(request, context, fields: ["matches"]) { id, form, caller in
                guard let count = form["matches"].flatMap(Int.init) else { throw ServiceError.invalid("matches", "give the number of matches") }
                try await services.reportMatches(try Self.decode(API.MatchReportIn.self, ["matches": count]), in: id, by: caller)
            }
        }
        router.post("crisis/:id/notes") { request, context in
            try await incidentAction(request, context, fields: ["note"]) { id, form, caller in
                _ = try await services.addNote(try Self.decode(API.NoteIn.self, ["note": form["note"] ?? ""]), to: id, by: caller)
            }
        }
    }

    static let criteria = [
        ("ongoingOrRecentAttack", "An attack is ongoing or has just happened"),
        ("perpetratorProducedViolentContent", "The perpetrator produced content depicting the violence"),
        ("presentOnMemberPlatforms", "The content is on member platforms"),
    ]

    private func incidentAction(_ request: Request, _ context: HubRequestContext, fields: Set<String>,
                                _ body: (UUID, PageForm, Caller) async throws -> Void) async throws -> Response {
        let id = try Self.uuid(context, "id")
        return try await submit(request, context) { form, caller in
            try await body(id, form, caller)
            return Self.redirect("/crisis/\(id)")
        } refused: { error, _ in
            var errors = Self.errors(error, fields: fields)
            if let message = errors.removeValue(forKey: "form"), let first = fields.first { errors[first] = message }
            return try await incidentPage(id, context: context, errors: errors, status: error.status)
        }
    }

    private func crisisPage(context: HubRequestContext, form: [String: String] = [:], errors: [String: String] = [:],
                            status: HTTPResponse.Status = .ok) async throws -> Response {
        let caller = try Self.session(context).caller
        let incidents = try await services.incidents(state: nil, limit: 100, by: caller)
        return page("crisis", title: "Crisis room", [
            "incidents": incidents.map {
                ["id": $0.id.uuidString, "title": $0.title, "level": $0.level, "state": $0.state, "drill": $0.drill,
                 "proposedAt": PageValues.time($0.proposedAt)] as [String: Any]
            },
            "hasIncidents": !incidents.isEmpty, "mayPropose": may(.proposeIncident, caller),
            "criteria": Self.criteria.map { ["value": $0.0, "label": $0.1] }, "form": form, "errors": errors,
        ], context: context, status: status)
    }

    private func incidentData(_ id: UUID, caller: Caller) async throws -> [String: Any] {
        try await incidentData(try await services.incident(id, by: caller), caller: caller)
    }

    private func incidentData(_ incident: API.IncidentOut, caller: Caller) async throws -> [String: Any] {
        let id = incident.id
        let names = try await organisationNames(caller)
        let picture = try await services.picture(of: id, by: caller).picture
        let events = try await services.incidentEvents(since: 0, limit: 500, incident: id, by: caller).events
        let urls = try await services.sharedURLs(of: id, by: caller)
        return [
            "incident": ["id": id.uuidString, "title": incident.title, "summary": incident.summary, "location": incident.location,
                         "occurredAt": PageValues.time(incident.occurredAt), "contentSeen": incident.contentSeen,
                         "state": incident.state, "level": incident.level, "drill": incident.drill],
            "votes": (incident.votes ?? []).map { ["organisation": names[$0.organisationID] ?? "", "decision": $0.decision] },
            "pictureChart": SVGChart.bars([("Hashes", picture.hashes), ("Contributors", picture.contributors),
                                           ("Matches reported", picture.matches), ("URLs", picture.urls)],
                                          title: "The incident so far"),
            "urls": urls.map { ["url": $0.url, "sharedBy": names[$0.sharedBy] ?? "", "note": $0.note, "state": $0.state ?? ""] },
            "hasURLs": !urls.isEmpty,
            "timeline": events.reversed().map { Self.eventRow($0, names) },
        ]
    }

    private func incidentPage(_ id: UUID, context: HubRequestContext, errors: [String: String] = [:],
                              status: HTTPResponse.Status = .ok) async throws -> Response {
        let caller = try Self.session(context).caller
        let incident = try await services.incident(id, by: caller)
        var data = try await incidentData(incident, caller: caller)
        data["mayVote"] = may(.vote, caller) && ["proposed", "active"].contains(incident.state)
        data["decisions"] = BoardDecision.allCases.map(\.rawValue)
        data["mayContribute"] = may(.contributeToIncident, caller) && incident.state == "active"
        data["mayNote"] = may(.addIncidentNote, caller) && incident.state != "concluded"
        let campaigns = try await services.campaigns(forIncident: id, by: caller)
        data["campaigns"] = campaigns.map { ["name": $0.name, "partner": $0.partner, "message": $0.message, "callToAction": $0.callToAction,
                                             "languages": $0.languages.joined(separator: ", ")] }
        data["hasCampaigns"] = !campaigns.isEmpty
        data["errors"] = errors
        return page("incident", title: incident.title, data, context: context, status: status, current: "Crisis room")
    }

    static func eventRow(_ event: API.IncidentEventOut, _ names: [UUID: String]) -> [String: Any] {
        ["at": PageValues.time(event.at), "event": event.event,
         "organisation": event.organisationID.flatMap { names[$0] } ?? "", "detail": HubStore.json(event.detail)]
    }
}
