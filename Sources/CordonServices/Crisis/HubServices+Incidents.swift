import CordonDomain
import CordonStore
import Foundation

/// The crisis protocol's life cycle: proposal, the board's votes, withdrawal, the
/// after-action report and drills' purge.
extension HubServices {
    public func propose(_ command: API.NewIncident, by caller: Caller) async throws -> API.IncidentOut {
        try authorise(.proposeIncident, caller)
        let level = command.level ?? configuration.crisis.defaultLevel
        guard configuration.crisis.levels.contains(level) else {
            throw ServiceError.invalid("level", "level must be one of \(configuration.crisis.levels.joined(separator: ", "))")
        }
        let new = NewIncident(
            title: try Validation.name(command.title, field: "title"), summary: try Validation.text(command.summary, field: "summary"),
            location: try Validation.text(command.location, field: "location"),
            occurredAt: try Validation.date(command.occurredAt, field: "occurredAt"),
            contentSeen: try Validation.text(command.contentSeen, field: "contentSeen"), criteria: command.criteria, level: level,
            drill: command.drill ?? false, authorities: command.authorities ?? [])
        let record = try await storeCall { try await store.proposeIncident(new, by: caller, now: now()) }
        try await accessChanged()
        incidentsChanged()
        return API.IncidentOut(record)
    }

    public func incidents(state: IncidentState?, limit: Int, by caller: Caller) async throws -> [API.IncidentOut] {
        try authorise(.listIncidents, caller)
        return try await store.incidents(for: caller, state: state, limit: limit).map { API.IncidentOut($0) }
    }

    public func incident(_ id: UUID, by caller: Caller) async throws -> API.IncidentOut {
        let record = try await authorisedIncident(.readIncident, id, caller)
        return API.IncidentOut(record, votes: try await store.votes(on: id))
    }

    public func vote(on id: UUID, _ command: API.VoteIn, by caller: Caller) async throws -> API.IncidentOut {
        _ = try await authorisedIncident(.vote, id, caller)
        let reason = try Validation.note(command.reason, field: "reason")
        let record = try await storeCall {
            try await store.vote(on: id, command.decision, reason: reason, by: caller, rules: configuration.crisis, now: now())
        }
        try await accessChanged()
        incidentsChanged()
        return API.IncidentOut(record, votes: try await store.votes(on: id))
    }

    public func withdraw(_ id: UUID, _ command: API.ReasonIn, by caller: Caller) async throws -> API.IncidentOut {
        _ = try await authorisedIncident(.withdrawIncident, id, caller)
        let reason = try Validation.note(command.reason, field: "reason")
        let record = try await storeCall { try await store.withdrawIncident(id, reason: reason, by: caller, now: now()) }
        incidentsChanged()
        return API.IncidentOut(record)
    }

    /// Deletes a drill and everything it left: its hashes leave every replica's matching.
    public func purgeDrill(_ id: UUID, by caller: Caller) async throws {
        _ = try await authorisedIncident(.purgeDrill, id, caller)
        try await storeCall { try await store.purgeDrill(id, by: caller, now: now()) }
        try await signalsChanged()
        try await accessChanged()
    }

    public func report(on id: UUID, by caller: Caller) async throws -> API.AfterActionReport {
        let record = try await authorisedIncident(.readIncident, id, caller)
        guard record.state == IncidentState.concluded.rawValue else {
            throw ServiceError.conflict("incident", "the after-action report follows conclusion; while the incident is \(record.state), read GET /v1/incidents/\(id)/picture")
        }
        var timeline: [IncidentEventRecord] = []
        while true {
            let page = try await store.incidentEvents(after: timeline.last?.id ?? 0, for: caller, incident: id, limit: 5000)
            timeline += page
            if page.count < 5000 { break }
        }
        return API.AfterActionReport(
            incident: API.IncidentOut(record, votes: try await store.votes(on: id)), drill: record.drill,
            activeHours: record.activatedAt.flatMap { start in record.concludedAt.map { $0.timeIntervalSince(start) / 3600 } },
            picture: try await store.picture(of: record),
            urls: try await store.sharedURLs(of: id).map { API.SharedURLOut($0.0, state: $0.1) },
            timeline: timeline.map(API.IncidentEventOut.init))
    }

    public func picture(of id: UUID, by caller: Caller) async throws -> API.IncidentPictureOut {
        let record = try await authorisedIncident(.readIncident, id, caller)
        return API.IncidentPictureOut(incident: API.IncidentOut(record), picture: try await store.picture(of: record))
    }

    public func incidentEvents(since: Int, limit: Int, incident: UUID?, by caller: Caller) async throws -> API.IncidentEventPage {
        try authorise(.listIncidents, caller)
        if let incident { _ = try await authorisedIncident(.readIncident, incident, caller) }
        let events = try await store.incidentEvents(after: since, for: caller, incident: incident, limit: limit)
        return API.IncidentEventPage(events: events.map(API.IncidentEventOut.init), next: events.last?.id ?? since)
    }

    /// Incident events live, of one incident or of every incident the caller sees.
    public func incidentEventStream(incident: UUID?, by caller: Caller) async throws -> LiveStream<API.IncidentEventOut> {
        try authorise(.listIncidents, caller)
        if let incident { _ = try await authorisedIncident(.readIncident, incident, caller) }
        let store = store
        return LiveStream(
            newest: { try await store.latestIncidentEvent() }, wakes: incidentEvents.subscribe(), reads: incidentEvents.reads,
            // What a caller sees of incidents depends on its organisation, kind and role.
            audience: "incident events of \(incident?.uuidString ?? "every incident") for \(caller.organisationID) \(caller.kind) \(caller.role)",
            pageSize: 500,
            page: { try await store.incidentEvents(after: $0, for: caller, incident: incident, limit: 500).map(API.IncidentEventOut.init) },
            cursor: \.id, kind: \.event, isAllowed: { [self] in isLive(caller) }, lease: try streams.lease(for: caller))
    }
}
