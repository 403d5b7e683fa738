import CordonDomain
import CordonStore
import Foundation

/// Contributing, reading, retracting and giving feedback on signals.
extension HubServices {
    /// Stores the submitted signals, all or nothing; `minimal` leaves the signals out of the answer.
    public func submit(_ submission: API.Submission, to collection: UUID, minimal: Bool = false,
                       by caller: Caller) async throws -> API.SubmissionResult {
        try authoriseCollection(.submitSignals, collection, caller)
        let valid = try validated(submission)
        let receipt = try await storeCall { try await store.submit(valid, to: collection, by: caller) }
        try await signalsChanged(receipt.changes)
        return API.SubmissionResult(
            results: receipt.results.map { .init(outcome: $0.outcome, id: $0.signal.id, signal: minimal ? nil : .init($0.signal)) })
    }

    /// Checks a bulk import of any length before any of it is stored, as ``submit(_:to:minimal:by:)``
    /// checks one request: refused with every problem by line index, or nothing. An
    /// import then goes in with one `submit` per ``HubConfiguration/maxSignalsPerRequest``.
    public func checkImport(_ signals: [SignalSubmission], to collection: UUID, by caller: Caller) throws {
        try authoriseCollection(.submitSignals, collection, caller)
        guard !signals.isEmpty else { throw ServiceError.invalid("signals", "send at least one signal") }
        _ = try checked(signals, bulk: true)
    }

    public func signal(_ id: Int, by caller: Caller) async throws -> API.SignalOut {
        .init(try await authorisedSignal(.readSignal, id, caller))
    }

    /// The collection's owner retracts the signal; a source withdraws its own contribution
    /// (the signal goes with its last source).
    public func retract(_ id: Int, by caller: Caller) async throws -> API.SignalOut {
        let signal = try await authorisedSignal(.retractSignal, id, caller)
        let wholly = relations(caller, toSignal: signal).contains(.owner)
        let retracted = try await storeCall { try await store.retract(signalID: signal.id, wholly: wholly, by: caller) }
        try await signalsChanged()
        return .init(retracted)
    }

    /// The signal, if the caller may do `useCase` on it; not found for a caller with no
    /// tie to its collection, so ids reveal nothing.
    func authorisedSignal(_ useCase: UseCase, _ id: Int, _ caller: Caller) async throws -> StoredSignal {
        guard let signal = try await store.signal(id) else { throw ServiceError.notFound("signal", "no signal \(id)") }
        try authorise(useCase, caller, relations(caller, toSignal: signal), field: "signal", notFound: "no signal \(id)")
        return signal
    }

    /// The submitted signals, each checked before anything is written (all or nothing):
    /// the first problem, or in a bulk request every problem by index, is refused.
    func validated(_ body: API.Submission) throws -> [SignalSubmission] {
        guard !body.signals.isEmpty else { throw ServiceError.invalid("signals", "send at least one signal") }
        guard body.signals.count <= configuration.maxSignalsPerRequest else {
            throw ServiceError.invalid("signals", "at most \(configuration.maxSignalsPerRequest) signals per request; got \(body.signals.count)")
        }
        return try checked(body.signals, bulk: body.isBulk)
    }

    /// Every submission validated, or the refusal: the first problem, or with `bulk`
    /// every problem by index.
    private func checked(_ signals: [SignalSubmission], bulk: Bool) throws -> [SignalSubmission] {
        var valid: [SignalSubmission] = []
        var problems: [ServiceError.Item] = []
        for (index, submission) in signals.enumerated() {
            do {
                valid.append(try submission.validated(maxFrames: configuration.media.maxFramesPerVideo))
            } catch {
                problems.append(.init(index: index, field: bulk ? "signals[\(index)].\(error.field)" : error.field, message: error.message))
            }
        }
        guard let first = problems.first else { return valid }
        guard bulk else { throw ServiceError.invalid(first.field, first.message) }
        var error = ServiceError.invalid(first.field, "\(problems.count) of \(signals.count) signals are invalid; nothing was stored. First: \(first.message)")
        error.items = problems
        throw error
    }
}
