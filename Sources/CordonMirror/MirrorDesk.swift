import CordonDomain
import CordonServices
import CordonStore
import Foundation
import MediaHashing
import PDQ

/// The mirror's review desk: each upload is matched when it arrives and again whenever
/// the hub shares a hash (Altitude never re-checks past uploads); a match opens one case
/// per upload; moderators decide; the platform reads the verdicts back. Only hashes, the
/// platform's ids and times are kept, for ``retention``.
public struct MirrorDesk: Sendable {
    let services: HubServices
    let index = UploadIndex()
    /// An upload's match-and-keep and a page of the hub's changes never interleave, so an
    /// upload matches every signal either when it arrives or when the signal's page is
    /// re-checked — never neither.
    let turnstile = Turnstile()
    /// How long an upload is kept (and re-checked): six months by default.
    public var retention: TimeInterval = 183 * 86_400
    /// PDQ's match radius for re-checks, as for matching.
    var maxDistance: Int { services.configuration.defaultMaxDistance }

    public init(services: HubServices) {
        self.services = services
    }

    /// Reads the uploads within retention into memory.
    public func load() async throws {
        for upload in try await services.store.activeUploads(now: services.now()) {
            index.insert(id: upload.id, pdq: upload.pdq, md5: upload.md5, sha256: upload.sha256)
        }
    }

    /// Keeps an upload's hashes and ids and matches it now; a match opens its case.
    public func record(_ upload: UploadIn, by caller: Caller) async throws -> UploadOut {
        try services.mayAttempt(.recordUpload, caller)
        let contentID = upload.contentID?.trimmingCharacters(in: .whitespaces) ?? upload.clientContext ?? ""
        guard (1...256).contains(contentID.count) else {
            throw ServiceError.invalid("contentID", "name the upload with your content id (1 to 256 characters), or send client_context")
        }
        var hashes: [API.MatchQuery.Hash] = []
        var quality: Int?
        if let bytes = upload.contentBytes {
            guard let data = Data(base64Encoded: bytes) else { throw ServiceError.invalid("content_bytes", "content_bytes must be base64") }
            let record = try services.hash(upload: Array(data), by: caller)
            quality = record.pdq.quality
            hashes = [.init(type: .pdq, value: record.pdq.hash.hex)]
            if let md5 = record.md5 { hashes.append(.init(type: .md5, value: md5)) }
            if let sha256 = record.sha256 { hashes.append(.init(type: .sha256, value: sha256)) }
        } else {
            hashes = upload.hashes ?? []
            quality = upload.pdqQuality
        }
        let types = hashes.map(\.type)
        guard !hashes.isEmpty, Set(types).count == types.count, types.allSatisfy({ [.pdq, .md5, .sha256].contains($0) }) else {
            throw ServiceError.invalid("hashes", "send the upload's hashes (at most one each of pdq, md5 and sha256), or the file as content_bytes")
        }
        for (index, hash) in hashes.enumerated() {
            do {
                _ = try hash.submission.validated(maxFrames: 1)
            } catch {
                throw ServiceError.invalid("hashes[\(index)].\(error.field)", error.message)
            }
        }
        let (accountID, clientContext) = (upload.accountID, upload.clientContext)
        return try await turnstile.run { [hashes, quality] in
            let result = try await services.match(API.MatchQuery(hashes: hashes), by: caller)
            let values = Dictionary(uniqueKeysWithValues: zip(types, result.results.map(\.value)))
            let matches = result.results.flatMap { query in
                query.matches.map { HubStore.ReviewMatch(signalID: $0.signal.id, distance: $0.distance ?? 0) }
            }
            let now = services.now()
            let kept = HubStore.PlatformUpload(contentID: contentID, accountID: accountID, clientContext: clientContext,
                                               pdq: values[.pdq], pdqQuality: quality, md5: values[.md5], sha256: values[.sha256],
                                               receivedAt: now, expiresAt: now.addingTimeInterval(retention))
            let (stored, opened) = try await services.store.recordUpload(kept, matches: matches, now: now)
            index.insert(id: stored.id, pdq: stored.pdq, md5: stored.md5, sha256: stored.sha256)
            return UploadOut(upload: stored, case: opened, matches: result.results.flatMap(\.matches))
        }
    }

    /// Applies a page of the hub's changes with what it means for the kept uploads, never
    /// while an upload is being matched and kept.
    public func apply(_ changes: [API.FeedPage.Change], in collection: UUID) async throws {
        try await turnstile.run {
            _ = try await services.applyUpstream(changes, in: collection, recheck: recheck(changes))
        }
    }

    /// What a page of changes from the hub means for the kept uploads: each new or changed
    /// signal searched against all of them (a case opens or grows), each retraction to
    /// close the cases that rested only on it. Applied with the page (``apply(_:in:)``).
    func recheck(_ changes: [API.FeedPage.Change]) -> HubStore.Recheck {
        var recheck = HubStore.Recheck()
        for change in changes {
            let signal = change.signal
            guard signal.status != .retracted else {
                recheck.retracted.append(signal.id)
                continue
            }
            switch signal.type {
            case .pdq:
                for hit in index.uploads(near: signal.value, maxDistance: maxDistance) {
                    recheck.found[hit.id, default: []].append(.init(signalID: signal.id, distance: hit.distance))
                }
            case .md5, .sha256:
                for id in index.uploads(withDigest: signal.value) { recheck.found[id, default: []].append(.init(signalID: signal.id, distance: 0)) }
            default:
                continue
            }
        }
        return recheck
    }

    /// Cases, newest first: `state` open, decided or closed (all when nil).
    public func cases(state: String?, before: Int?, limit: Int, by caller: Caller) async throws -> [CaseOut] {
        try services.mayAttempt(.listReviewCases, caller)
        if let state, !["open", "decided", "closed"].contains(state) {
            throw ServiceError.invalid("state", "state is open, decided or closed; got '\(state)'")
        }
        guard (1...1000).contains(limit) else { throw ServiceError.invalid("limit", "limit is 1 to 1,000; got \(limit)") }
        var out: [CaseOut] = []
        for item in try await services.store.reviewCases(state: state, before: before, limit: limit) {
            out.append(try await evidence(item, by: caller))
        }
        return out
    }

    public func reviewCase(_ id: Int, by caller: Caller) async throws -> CaseOut {
        try services.mayAttempt(.listReviewCases, caller)
        guard let item = try await services.store.reviewCase(id) else { throw ServiceError.notFound("case", "no review case \(id)") }
        return try await evidence(item, by: caller)
    }

    /// Decides an open case: remove, leave up or escalate, with a reason from the taxonomy.
    public func decide(_ id: Int, _ command: DecisionIn, by caller: Caller) async throws -> CaseOut {
        try services.mayAttempt(.decideReviewCase, caller)
        guard ["remove", "leave-up", "escalate"].contains(command.decision) else {
            throw ServiceError.invalid("decision", "decision is remove, leave-up or escalate; got '\(command.decision)'")
        }
        guard ContentCategory(rawValue: command.reason) != nil || ["not-violating", "needs-context"].contains(command.reason) else {
            throw ServiceError.invalid("reason", "reason is a category of the taxonomy (\(ContentCategory.allCases.map(\.rawValue).joined(separator: ", "))), not-violating or needs-context; got '\(command.reason)'")
        }
        let decided = try await services.storeCall {
            try await services.store.decide(id, decision: command.decision, reason: command.reason, by: caller, automated: false,
                                            now: services.now())
        }
        return try await evidence(decided, by: caller)
    }

    /// The platform's events after `since`: cases opened and closed, decisions, reinstatements due.
    public func verdicts(since: Int, limit: Int, by caller: Caller) async throws -> VerdictPage {
        try services.mayAttempt(.readVerdicts, caller)
        guard (1...1000).contains(limit) else { throw ServiceError.invalid("limit", "limit is 1 to 1,000; got \(limit)") }
        let events = try await services.store.reviewEvents(since: since, limit: limit)
        var out: [VerdictPage.Event] = []
        for event in events {
            var upload: HubStore.PlatformUpload?
            if let item = try await services.store.reviewCase(event.caseID) { upload = try await services.store.upload(item.uploadID) }
            out.append(.init(id: event.id, event: event.kind, caseID: event.caseID, at: event.at,
                             detail: HubStore.decode(event.body, as: [String: String].self) ?? [:],
                             contentID: upload?.contentID, clientContext: upload?.clientContext))
        }
        return VerdictPage(events: out, next: events.last?.id ?? since)
    }

    /// A case with its upload and, for each match, the signal as the copy has it.
    private func evidence(_ item: HubStore.ReviewCase, by caller: Caller) async throws -> CaseOut {
        var matches: [CaseOut.Evidence] = []
        for match in item.matches {
            let signal = try? await services.signal(match.signalID, by: caller)
            matches.append(.init(signalID: match.signalID, distance: match.distance, signal: signal))
        }
        return CaseOut(reviewCase: item, upload: try await services.store.upload(item.uploadID), matches: matches)
    }
}
