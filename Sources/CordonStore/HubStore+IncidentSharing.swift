import CordonDomain
import FluentKit
import Foundation
import SQLKit

extension HubStore {
    /// Appends to an incident's timeline and queues the event for the webhooks of every
    /// organisation that sees the incident. The deliveries carry no body: each is written
    /// from the event when it is sent, so an event of 10,000 hashes is stored once, not
    /// once more per subscriber (review F15).
    static func recordIncidentEvent(_ kind: IncidentEventKind, of record: IncidentRecord, by organisation: UUID?, at: Date,
                                    detail: IncidentEventDetail, on db: any Database) async throws {
        let event = IncidentEventRecord()
        event.incidentID = record.id!
        event.kind = kind.rawValue
        event.drill = record.drill
        event.organisationID = organisation
        event.at = at
        event.detail = json(detail)
        try await event.create(on: db)
        let audience = try await audience(of: record.id!, on: db)
        let hooks = try await WebhookRecord.query(on: db).filter(\.$revokedAt == nil).all().filter { audience.contains($0.organisationID) }
        try await queue("", kind: event.kind, eventID: event.id!, at: at, to: hooks, on: db)
    }

    /// The bodies of incident deliveries queued without one, written from their events.
    /// A delivery whose event is gone gets none (a drill's purge deletes both together).
    static func incidentBodies(for deliveries: [WebhookDeliveryRecord], on db: any Database) async throws -> [Int: String] {
        let kinds = Set(IncidentEventKind.allCases.map(\.rawValue))
        let wanted = Set(deliveries.filter { $0.body.isEmpty && kinds.contains($0.eventKind) }.map(\.eventID))
        guard !wanted.isEmpty else { return [:] }
        var bodies: [Int: String] = [:]
        for chunk in Array(wanted).chunked(500) {
            for event in try await IncidentEventRecord.query(on: db).filter(\.$id ~~ chunk).all() {
                bodies[event.id!] = json(IncidentWebhookPayload(event, detail: decode(event.detail, as: IncidentEventDetail.self) ?? .init()))
            }
        }
        return bodies
    }

    /// The incident, which must be active for contributions.
    private static func activeIncident(_ id: UUID, for caller: Caller, on db: any Database) async throws -> IncidentRecord {
        let record = try await visibleIncident(id, to: caller, on: db)
        guard IncidentState(rawValue: record.state)?.acceptsContributions == true else {
            throw StoreError.conflict(field: "incident", message: "the incident is \(record.state): contributions are taken only while it is active")
        }
        return record
    }

    /// Adds hashes of the incident's content to its collection (matchable at once) and
    /// tells everyone which, in one event.
    public func contributeHashes(_ submissions: [SignalSubmission], to id: UUID, by caller: Caller, now: Date)
        async throws -> SubmissionReceipt
    {
        let directory = hub.signalDirectory
        let receipt = try await hub.write([.signals, .incidents]) { db in
            let record = try await Self.activeIncident(id, for: caller, on: db)
            let receipt = try await Self.addSignals(submissions, to: record.collectionID, by: caller, now: now, directory: directory, on: db)
            var detail = IncidentEventDetail()
            detail.hashes = receipt.results.filter { $0.outcome != .unchanged }
                .map { .init(type: $0.signal.type.rawValue, value: $0.signal.value, signal: $0.signal.id) }
            if detail.hashes?.isEmpty == false {
                try await Self.recordIncidentEvent(.hashesAdded, of: record, by: caller.organisationID, at: now, detail: detail, on: db)
            }
            return receipt
        }
        receipt.commit(to: directory)
        return receipt
    }

    /// Shares a URL where the content was seen, with what the sharer knows; the URL also
    /// becomes a URL signal of the incident's collection, so platforms can block the link.
    public func shareURL(_ url: String, platform: UUID?, firstSeenAt: Date?, views: Int?, note: String, in id: UUID,
                         by caller: Caller, now: Date) async throws -> (IncidentURLRecord, SubmissionReceipt) {
        let directory = hub.signalDirectory
        let (shared, receipt) = try await hub.write([.signals, .incidents]) { db in
            let record = try await Self.activeIncident(id, for: caller, on: db)
            if let platform {
                _ = try await Self.organisation(platform, field: "platform", kinds: [.platform],
                                                role: "a hosting platform (leave it out when the host is not a member)", on: db)
            }
            let shared = IncidentURLRecord()
            shared.incidentID = id
            shared.url = url
            shared.sharedBy = caller.organisationID
            shared.platformID = platform
            shared.firstSeenAt = firstSeenAt
            shared.views = views
            shared.note = note
            shared.sharedAt = now
            try await shared.create(on: db)
            var detail = IncidentEventDetail()
            detail.url = url
            detail.urlID = shared.id
            detail.platform = platform
            detail.firstSeenAt = firstSeenAt.map(Self.iso)
            detail.views = views
            detail.note = note.isEmpty ? nil : note
            try await Self.recordIncidentEvent(.urlShared, of: record, by: caller.organisationID, at: now, detail: detail, on: db)
            var labels = SignalLabels()
            labels.incident = record.title
            let signal = SignalSubmission(type: .url, value: url, labels: labels)
            let receipt = try await Self.addSignals([signal], to: record.collectionID, by: caller, now: now, directory: directory, on: db)
            return (shared, receipt)
        }
        receipt.commit(to: directory)
        return (shared, receipt)
    }

    /// A shared URL of the incident.
    public func sharedURL(_ urlID: Int, in id: UUID, for caller: Caller) async throws -> (IncidentRecord, IncidentURLRecord) {
        let record = try await Self.visibleIncident(id, to: caller, on: db)
        guard let shared = try await IncidentURLRecord.find(urlID, on: db), shared.incidentID == id else {
            throw StoreError.notFound(field: "url", message: "no URL \(urlID) shared in incident \(id)")
        }
        return (record, shared)
    }

    /// Notes that a referral or order was opened from a shared URL.
    public func linkSharedURL(_ urlID: Int, in record: IncidentRecord, to caseID: UUID, by caller: Caller, now: Date) async throws {
        try await hub.write([.incidents]) { db in
            guard let shared = try await IncidentURLRecord.find(urlID, on: db) else { return }
            shared.caseID = caseID
            try await shared.save(on: db)
            var detail = IncidentEventDetail()
            detail.url = shared.url
            detail.urlID = urlID
            detail.caseID = caseID
            detail.platform = shared.platformID
            try await Self.recordIncidentEvent(.urlReferred, of: record, by: caller.organisationID, at: now, detail: detail, on: db)
        }
    }

    /// A platform's count of matches in one hour (counts only: no user data).
    public func reportMatches(_ matches: Int, hour: Date, in id: UUID, by caller: Caller, now: Date) async throws {
        try await hub.write([.incidents]) { db in
            let record = try await Self.activeIncident(id, for: caller, on: db)
            let report = IncidentMatchRecord()
            report.incidentID = id
            report.platformID = caller.organisationID
            report.hour = IncidentPicture.hour(hour)
            report.matches = matches
            report.reportedAt = now
            try await report.create(on: db)
            var detail = IncidentEventDetail()
            detail.platform = caller.organisationID
            detail.hour = Self.iso(report.hour)
            detail.matches = matches
            try await Self.recordIncidentEvent(.matchesReported, of: record, by: caller.organisationID, at: now, detail: detail, on: db)
        }
    }

    /// A free note on the timeline (what a member sees, decides or needs).
    public func addNote(_ note: String, in id: UUID, by caller: Caller, now: Date) async throws {
        try await hub.write([.incidents]) { db in
            let record = try await Self.visibleIncident(id, to: caller, on: db)
            guard record.state != IncidentState.withdrawn.rawValue else {
                throw StoreError.conflict(field: "incident", message: "the proposal was withdrawn")
            }
            var detail = IncidentEventDetail()
            detail.note = note
            try await Self.recordIncidentEvent(.note, of: record, by: caller.organisationID, at: now, detail: detail, on: db)
        }
    }

    // MARK: Reading

    /// Events after `cursor` of incidents the caller sees (of one incident if named), in order.
    public func incidentEvents(after cursor: Int, for caller: Caller, incident: UUID?, limit: Int) async throws -> [IncidentEventRecord] {
        let query = IncidentEventRecord.query(on: db).filter(\.$id > cursor)
        if let incident { query.filter(\.$incidentID == incident) }
        if try await !Self.seesEveryIncident(caller, on: db) {
            let mine = try await IncidentPartyRecord.query(on: db).filter(\.$organisationID == caller.organisationID).all().map(\.incidentID)
            query.filter(\.$incidentID ~~ mine)
        }
        return try await query.sort(\.$id).limit(limit).all()
    }

    /// The newest incident event id (where a live stream starts).
    public func latestIncidentEvent() async throws -> Int {
        try await IncidentEventRecord.query(on: db).sort(\.$id, .descending).first()?.id ?? 0
    }

    /// The URLs shared in an incident, each with the state of the newest case about it
    /// (`shared` when none was opened).
    public func sharedURLs(of id: UUID) async throws -> [(IncidentURLRecord, String)] {
        let shared = try await IncidentURLRecord.query(on: db).filter(\.$incidentID == id).sort(\.$id).all()
        guard !shared.isEmpty else { return [] }
        let caseURLs = try await CaseURLRecord.query(on: db).filter(\.$url ~~ Set(shared.map(\.url))).all()
        let cases = Dictionary(uniqueKeysWithValues: try await CaseRecord.query(on: db)
            .filter(\.$id ~~ Set(caseURLs.map(\.caseID))).all().map { ($0.id!, $0) })
        var newest: [String: CaseRecord] = [:]
        for link in caseURLs {
            guard let record = cases[link.caseID] else { continue }
            if let known = newest[link.url], known.receivedAt >= record.receivedAt { continue }
            newest[link.url] = record
        }
        return shared.map { ($0, newest[$0.url]?.state ?? "shared") }
    }

    /// The situational picture, from the incident's collection, reports and URLs.
    public func picture(of record: IncidentRecord) async throws -> IncidentPicture {
        let signals = try await SignalRecord.query(on: db).filter(\.$collectionID == record.collectionID).all()
        let reports = try await IncidentMatchRecord.query(on: db).filter(\.$incidentID == record.id!).all()
        let urls = try await sharedURLs(of: record.id!)
        return IncidentPicture(
            activatedAt: record.activatedAt,
            hashes: signals.compactMap { signal in
                // Shared URLs are counted as URLs, not hashes, though they are signals too.
                guard signal.status != SignalStatus.retracted.rawValue, signal.type != SignalType.url.rawValue, let at = signal.createdAt,
                      let first = StoredSignal.sources(signal.sources).first else { return nil }
                return .init(at: at, type: signal.type, value: signal.value, organisation: first)
            },
            reports: reports.map { .init(platform: $0.platformID, hour: $0.hour, matches: $0.matches) },
            urls: urls.map { .init(at: $0.0.sharedAt, state: $0.1) })
    }
}

/// The JSON body of an incident webhook call: marked as a drill where it is one.
public struct IncidentWebhookPayload: Codable, Sendable {
    public var id: Int
    public var event: String
    public var incidentID: UUID
    public var drill: Bool
    public var at: String
    public var organisationID: UUID?
    public var detail: IncidentEventDetail

    init(_ event: IncidentEventRecord, detail: IncidentEventDetail) {
        id = event.id!
        self.event = event.kind
        incidentID = event.incidentID
        drill = event.drill
        at = HubStore.iso(event.at)
        organisationID = event.organisationID
        self.detail = detail
    }
}
