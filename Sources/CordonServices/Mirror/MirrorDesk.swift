import CordonDomain
import CordonStore
import Foundation
import MediaHashing
import PDQ
import VideoFeatures

/// The mirror's review desk: each upload is matched when it arrives and again whenever
/// the hub shares a hash (Altitude never re-checks past uploads); a match opens one case
/// per upload; moderators decide; the platform reads the verdicts back. Only hashes, the
/// platform's ids and times are kept, for ``MirrorOptions/retention``, and the files
/// themselves only where the platform preserves them (``MirrorOptions/mediaFolder``).
public struct MirrorDesk: Sendable {
    public let services: HubServices
    public let options: MirrorOptions
    /// Collections of a declared incident: their matches come first in the queue.
    let incidentCollections: Set<UUID>
    let index = UploadIndex()
    /// An upload's match-and-keep and a page of the hub's changes never interleave, so an
    /// upload matches every signal either when it arrives or when the signal's page is
    /// re-checked — never neither.
    let turnstile = Turnstile()
    /// PDQ's match radius for re-checks, as for matching.
    var maxDistance: Int { services.configuration.defaultMaxDistance }

    public init(services: HubServices, options: MirrorOptions = .init(), incidentCollections: Set<UUID> = []) {
        self.services = services
        self.options = options
        self.incidentCollections = incidentCollections
    }

    /// Where a match puts its case in the queue.
    func priority(of signal: API.SignalOut) -> Int {
        ReviewPriority.of(labels: signal.labels, confidence: signal.confidence, contributors: signal.contributors.count,
                          incident: incidentCollections.contains(signal.collectionID))
    }

    /// Reads the uploads within retention into memory.
    public func load() async throws {
        for upload in try await services.store.activeUploads(now: services.now()) {
            index.insert(id: upload.id, pdq: upload.pdq, md5: upload.md5, sha256: upload.sha256, frames: Self.frames(upload.frames))
        }
    }

    /// Keeps an upload's hashes and ids and matches it now; a match opens its case. The
    /// file itself (`content_bytes`) is hashed like a file upload, and kept only where the
    /// platform preserves media.
    public func record(_ upload: UploadIn, by caller: Caller) async throws -> UploadOut {
        try services.mayAttempt(.recordUpload, caller)
        let contentID = try Self.contentID(upload.contentID, upload.clientContext)
        if let bytes = upload.contentBytes {
            guard let data = Data(base64Encoded: bytes), !data.isEmpty else {
                throw ServiceError.invalid("content_bytes", "content_bytes must be the file in base64")
            }
            return try await UploadFolder.withFile(data, field: "content_bytes") { path in
                try await record(fileAt: path, contentID: contentID, accountID: upload.accountID, clientContext: upload.clientContext, by: caller)
            }
        }
        let hashes = upload.hashes ?? []
        let types = hashes.map(\.type)
        guard !hashes.isEmpty, Set(types).count == types.count, types.allSatisfy({ [.pdq, .md5, .sha256].contains($0) }) else {
            throw ServiceError.invalid("hashes", "send the upload's hashes (at most one each of pdq, md5 and sha256), or the file")
        }
        for (index, hash) in hashes.enumerated() {
            do {
                _ = try hash.submission.validated(maxFrames: 1)
            } catch {
                throw ServiceError.invalid("hashes[\(index)].\(error.field)", error.message)
            }
        }
        return try await keep(hashes, quality: upload.pdqQuality, frames: nil, contentID: contentID, accountID: upload.accountID,
                              clientContext: upload.clientContext, by: caller)
    }

    /// Keeps an uploaded file's hashes (an image's PDQ and digests; a video's digests, its
    /// frames matched now) and matches it; the file is the caller's to delete (a preserved
    /// copy is the desk's).
    public func record(fileAt path: String, contentID: String?, accountID: String?, clientContext: String?,
                       by caller: Caller) async throws -> UploadOut {
        try services.mayAttempt(.recordUpload, caller)
        let contentID = try Self.contentID(contentID, clientContext)
        switch try await services.hash(uploadAt: path, by: caller) {
        case .image(let record):
            // Too little detail: its PDQ would match noise, now and in every re-check.
            var hashes: [API.MatchQuery.Hash] = record.pdq.quality >= PDQResult.lowQualityThreshold ? [.init(type: .pdq, value: record.pdq.hash.hex)] : []
            if let md5 = record.md5 { hashes.append(.init(type: .md5, value: md5)) }
            if let sha256 = record.sha256 { hashes.append(.init(type: .sha256, value: sha256)) }
            return try await keep(hashes, quality: record.pdq.quality, frames: nil, contentID: contentID, accountID: accountID,
                                  clientContext: clientContext, file: path, by: caller)
        case .video(let features, let md5, let sha256):
            return try await keep([.init(type: .md5, value: md5), .init(type: .sha256, value: sha256)], quality: nil, frames: features,
                                  contentID: contentID, accountID: accountID, clientContext: clientContext, file: path, by: caller)
        case .tmk:
            throw ServiceError.invalid("body", "a .tmk file is already a video's hash; send the video itself, or its digests as hashes")
        }
    }

    /// The platform's name for the upload: its content id, else Altitude's `client_context`.
    static func contentID(_ contentID: String?, _ clientContext: String?) throws -> String {
        let name = contentID?.trimmingCharacters(in: .whitespaces) ?? clientContext ?? ""
        guard (1...256).contains(name.count) else {
            throw ServiceError.invalid("contentID", "name the upload with your content id (1 to 256 characters), or send client_context")
        }
        return name
    }

    /// Matches and keeps, taking turns with the pages of the hub's changes. A video's
    /// `frames` are matched now, and kept with its digests for the re-checks; the `file`,
    /// where media is preserved, under the upload's id.
    private func keep(_ hashes: [API.MatchQuery.Hash], quality: Int?, frames: [VPDQFeature]?, contentID: String, accountID: String?,
                      clientContext: String?, file: String? = nil, by caller: Caller) async throws -> UploadOut {
        var query = hashes
        var binary: [UInt8]?
        if let frames {
            query.append(.init(type: .vpdq, value: "", features: frames))
            do {
                binary = try VPDQFeatureList(frames, maxFrames: services.configuration.media.maxFramesPerVideo).binary
            } catch {
                throw ServiceError.invalid("body", "the video's frames cannot be kept: \(error.message)")
            }
        }
        let preserved = try file.flatMap(preserve)
        defer { if let preserved { try? FileManager.default.removeItem(at: preserved) } }
        return try await turnstile.run { [query, binary] in
            let result = try await services.match(API.MatchQuery(hashes: query), by: caller)
            var values: [SignalType: String] = [:]
            for (hash, answer) in zip(query, result.results) where hash.type != .vpdq { values[hash.type] = answer.value }
            let matches = result.results.flatMap { answer in
                answer.matches.map { HubStore.ReviewMatch(signalID: $0.signal.id, distance: $0.distance ?? 0, priority: priority(of: $0.signal)) }
            }
            let now = services.now()
            let kept = HubStore.PlatformUpload(contentID: contentID, accountID: accountID, clientContext: clientContext,
                                               pdq: values[.pdq], pdqQuality: quality, md5: values[.md5], sha256: values[.sha256],
                                               frames: binary, receivedAt: now, expiresAt: now.addingTimeInterval(options.retention))
            let (stored, opened) = try await services.store.recordUpload(kept, matches: matches, now: now)
            index.insert(id: stored.id, pdq: stored.pdq, md5: stored.md5, sha256: stored.sha256, frames: frames)
            if let preserved, let kept = mediaFile(ofUpload: stored.id) { try? FileManager.default.moveItem(at: preserved, to: kept) }
            let all = result.results.flatMap(\.matches)
            var outcome = opened
            if let opened, let decided = try await automaticallyDecide(opened, matched: all.map(\.signal)) { outcome = decided }
            return UploadOut(upload: stored, case: outcome, matches: all, campaigns: result.campaigns)
        }
    }

    /// A kept video's frames, from their binary form.
    static func frames(_ binary: [UInt8]?) -> [VPDQFeature]? {
        binary.flatMap { try? VPDQFeatureList(binary: $0, maxFrames: .max).features }
    }

    /// Removes at once when a match satisfies an automatic rule; recorded as automated.
    func automaticallyDecide(_ item: HubStore.ReviewCase, matched signals: [API.SignalOut]) async throws -> HubStore.ReviewCase? {
        guard item.state == "open", !options.automaticRemovals.isEmpty else { return nil }
        let distances = Dictionary(item.matches.map { ($0.signalID, $0.distance) }, uniquingKeysWith: min)
        guard let signal = signals.first(where: { signal in
            distances[signal.id].map { distance in options.automaticRemovals.contains { $0.applies(to: signal, distance: distance) } } ?? false
        }) else { return nil }
        let reason = signal.labels.categories.first?.rawValue ?? "needs-context"
        return try await services.storeCall {
            try await services.store.decide([item.id], fields: ["case"], decision: .remove, reason: reason, by: nil,
                                            now: services.now()).first
        }
    }

    /// Applies a page of the hub's changes with what it means for the kept uploads, never
    /// while an upload is being matched and kept.
    public func apply(_ changes: [API.FeedPage.Change], in collection: UUID) async throws {
        let signals = changes.map(\.signal)
        try await applying(signals) { recheck in
            _ = try await services.applyUpstream(changes, in: collection, recheck: recheck)
        }
    }

    /// Applies a page of the first copy of `collection` (``HubServices/applyUpstreamSnapshot(_:after:in:recheck:)``)
    /// the same way: uploads kept before it are searched against its signals.
    public func apply(_ page: API.SignalSnapshot, after: Int, in collection: UUID) async throws {
        try await applying(page.signals) { recheck in
            _ = try await services.applyUpstreamSnapshot(page, after: after, in: collection, recheck: recheck)
        }
    }

    private func applying(_ signals: [API.SignalOut], _ store: @Sendable (HubStore.Recheck) async throws -> Void) async throws {
        try await turnstile.run {
            let recheck = recheck(signals)
            try await store(recheck)
            guard !options.automaticRemovals.isEmpty, !recheck.found.isEmpty else { return }
            for upload in recheck.found.keys.sorted() {
                if let item = try await services.store.reviewCase(forUpload: upload) {
                    _ = try await automaticallyDecide(item, matched: signals)
                }
            }
        }
    }

    /// What a page of signals from the hub (changes, or a first copy) means for the kept
    /// uploads: each new or changed signal searched against all of them (a case opens or grows), each retraction to
    /// close the cases that rested only on it. Applied with the page (``apply(_:in:)``).
    func recheck(_ signals: [API.SignalOut]) -> HubStore.Recheck {
        var recheck = HubStore.Recheck()
        for signal in signals {
            guard signal.status != .retracted else {
                recheck.retracted.append(signal.id)
                continue
            }
            switch signal.type {
            case .pdq:
                for hit in index.uploads(near: signal.value, maxDistance: maxDistance) {
                    recheck.found[hit.id, default: []].append(.init(signalID: signal.id, distance: hit.distance, priority: priority(of: signal)))
                }
            case .md5, .sha256:
                for id in index.uploads(withDigest: signal.value) {
                    recheck.found[id, default: []].append(.init(signalID: signal.id, distance: 0, priority: priority(of: signal)))
                }
            case .vpdq:
                for id in index.uploads(matchingVideo: signal.features ?? []) {
                    recheck.found[id, default: []].append(.init(signalID: signal.id, distance: 0, priority: priority(of: signal)))
                }
            default:
                continue
            }
        }
        return recheck
    }
}
