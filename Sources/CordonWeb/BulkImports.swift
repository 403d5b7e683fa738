import CordonDomain
import CordonServices
import CordonStore
import Foundation
import Synchronization

/// The pages' CSV imports, run in the background a request's worth at a time (one
/// transaction each), so a large file shows its progress instead of holding the request
/// open. The whole file is checked before the first line is stored. One import at a time
/// per organisation; finished imports are kept an hour for their page.
///
/// Progress lives in the replica that runs the import: behind a load balancer, keep a
/// person's session on one replica (the import itself is stored like any submission).
final class BulkImports: Sendable {
    struct Progress: Sendable {
        var id: UUID
        var organisation: UUID
        var collection: UUID
        var fileName: String
        var total: Int
        var done = 0
        var outcomes: [SubmissionOutcome: Int] = [:]
        /// Why it stopped early; what was stored before stays (every chunk is whole).
        var failure: String?
        var finished = false
        var startedAt: Date
        var finishedAt: Date?
    }

    private let jobs = Mutex<[UUID: Progress]>([:])
    private let keep: TimeInterval = 3600

    /// Starts importing `signals` (already checked with ``HubServices/checkImport(_:to:by:)``)
    /// into `collection`, `chunk` signals per submission.
    func start(_ signals: [SignalSubmission], from fileName: String, into collection: UUID, chunk: Int, services: HubServices, by caller: Caller) throws -> UUID {
        let id = UUID()
        let now = Date()
        try jobs.withLock { jobs in
            jobs = jobs.filter { !$0.value.finished || now.timeIntervalSince($0.value.finishedAt ?? now) < keep }
            if jobs.values.contains(where: { $0.organisation == caller.organisationID && !$0.finished }) {
                throw ServiceError(.conflict, field: "csv", message: "an import of your organisation is still running; wait for it to finish")
            }
            jobs[id] = Progress(id: id, organisation: caller.organisationID, collection: collection, fileName: fileName, total: signals.count, startedAt: now)
        }
        Task { await self.run(id, signals, into: collection, chunk: chunk, services: services, by: caller) }
        return id
    }

    /// An import's progress, for the organisation that started it only.
    func progress(_ id: UUID, for caller: Caller) -> Progress? {
        jobs.withLock { $0[id] }.flatMap { $0.organisation == caller.organisationID ? $0 : nil }
    }

    private func run(_ id: UUID, _ signals: [SignalSubmission], into collection: UUID, chunk: Int,
                     services: HubServices, by caller: Caller) async {
        var start = 0
        while start < signals.count {
            let part = Array(signals[start..<min(start + chunk, signals.count)])
            do {
                let result = try await services.submit(API.Submission(signals: part, isBulk: true), to: collection, minimal: true, by: caller)
                jobs.withLock { jobs in
                    jobs[id]?.done += part.count
                    for item in result.results { jobs[id]?.outcomes[item.outcome, default: 0] += 1 }
                }
            } catch {
                let message = (error as? ServiceError)?.message ?? "\(error)"
                jobs.withLock { $0[id]?.failure = "stopped at line \(start + 1): \(message)" }
                break
            }
            start += chunk
        }
        jobs.withLock { jobs in
            jobs[id]?.finished = true
            jobs[id]?.finishedAt = Date()
        }
    }
}
