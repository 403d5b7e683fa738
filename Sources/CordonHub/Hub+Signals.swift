import CordonDomain
import CordonStore
import Foundation
import HTTPTypes
import Hummingbird

extension Hub {
    func addCollectionRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.get("collections") { _, context -> [API.CollectionOut] in
            let caller = try context.requireCaller()
            let memberships = access.memberships(of: caller.organisationID)
            return try await store.collections(ids: memberships.keys).map {
                API.CollectionOut(id: $0.id!, name: $0.name, description: $0.description, access: memberships[$0.id!],
                                  incident: $0.incidentID, drill: $0.drill)
            }
        }
        v1.post("collections") { request, context -> EditedResponse<API.CollectionOut> in
            let caller = try context.requireCaller()
            guard caller.role.canAdminister else { throw APIError.forbidden("creating collections needs an admin key") }
            let body = try await request.decodeJSON(API.NewCollection.self, context: context)
            let name = try Self.validName(body.name, field: "name")
            let record = try await storeCall {
                try await store.createCollection(name: name, description: body.description ?? "", by: caller)
            }
            try await accessChanged()
            return EditedResponse(status: .created, response: API.CollectionOut(
                id: record.id!, name: record.name, description: record.description, access: .readWrite))
        }
        v1.put("collections/:id/members/:organisation") { request, context -> HTTPResponse.Status in
            let caller = try context.requireCaller()
            let collectionID = try Self.uuidParameter(context, "id", field: "collection")
            let organisationID = try Self.uuidParameter(context, "organisation", field: "organisation")
            guard caller.role.canAdminister else { throw APIError.forbidden("managing members needs an admin key") }
            try requireAccess(caller, to: collectionID, write: true)
            let body = try await request.decodeJSON(API.Membership.self, context: context)
            try await storeCall {
                try await store.setMembership(collectionID: collectionID, organisationID: organisationID, access: body.access, by: caller)
            }
            try await accessChanged()
            return .noContent
        }
    }

    func addSignalRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.post("collections/:id/signals") { request, context -> EditedResponse<API.SubmissionResult> in
            let caller = try context.requireCaller()
            let collectionID = try Self.uuidParameter(context, "id", field: "collection")
            guard caller.role.canContribute else { throw APIError.forbidden("contributing needs a contributor or admin key") }
            try requireAccess(caller, to: collectionID, write: true)
            let valid = try validated(try await request.decodeJSON(API.Submission.self, context: context))
            let receipt = try await storeCall { try await store.submit(valid, to: collectionID, by: caller) }
            try await signalsChanged(receipt.changes)
            // `Prefer: return=minimal` (RFC 7240): outcomes and ids only, for bulk loaders
            // that need no echo of what they sent.
            let minimal = request.headers[values: .prefer].contains { $0.contains("return=minimal") }
            return EditedResponse(status: .created, response: API.SubmissionResult(
                results: receipt.results.map { .init(outcome: $0.outcome, id: $0.signal.id, signal: minimal ? nil : .init($0.signal)) }))
        }
        v1.get("signals/:id") { _, context -> API.SignalOut in
            let caller = try context.requireCaller()
            let signal = try await readableSignal(context, caller)
            return .init(signal)
        }
        v1.post("signals/:id/retract") { _, context -> API.SignalOut in
            let caller = try context.requireCaller()
            guard caller.role.canContribute else { throw APIError.forbidden("retracting needs a contributor or admin key") }
            let signal = try await readableSignal(context, caller)
            let retracted = try await storeCall { try await store.retract(signalID: signal.id, by: caller) }
            try await signalsChanged()
            return .init(retracted)
        }
        v1.post("signals/:id/feedback") { request, context -> API.SignalOut in
            let caller = try context.requireCaller()
            guard caller.role.canContribute else { throw APIError.forbidden("feedback needs a contributor or admin key") }
            let signal = try await readableSignal(context, caller)
            let body = try await request.decodeJSON(API.NewFeedback.self, context: context)
            let comment = body.comment ?? ""
            guard comment.count <= 2000 else { throw APIError.invalid("comment", "comment is at most 2,000 characters") }
            let updated = try await storeCall {
                try await store.addFeedback(signalID: signal.id, kind: body.kind, comment: comment,
                                            rule: configuration.disputeRule, by: caller)
            }
            try await signalsChanged()
            return .init(updated)
        }
    }

    /// The submitted signals, each checked before anything is written (all or nothing):
    /// the first problem, or in a bulk request every problem by index, is refused.
    func validated(_ body: API.Submission) throws -> [SignalSubmission] {
        guard !body.signals.isEmpty else { throw APIError.invalid("signals", "send at least one signal") }
        guard body.signals.count <= configuration.maxSignalsPerRequest else {
            throw APIError.invalid("signals", "at most \(configuration.maxSignalsPerRequest) signals per request; got \(body.signals.count)")
        }
        // All or nothing: every item is checked before anything is written.
        var valid: [SignalSubmission] = []
        var problems: [APIError.Item] = []
        for (index, submission) in body.signals.enumerated() {
            do {
                valid.append(try submission.validated())
            } catch {
                let field = body.isBulk ? "signals[\(index)].\(error.field)" : error.field
                problems.append(.init(index: index, field: field, message: error.message))
            }
        }
        if let first = problems.first {
            guard body.isBulk else { throw APIError.invalid(first.field, first.message) }
            var error = APIError.invalid(first.field, "\(problems.count) of \(body.signals.count) signals are invalid; nothing was stored. First: \(first.message)")
            error.items = problems
            throw error
        }
        return valid
    }

    /// The signal named in the path, if the caller's organisation may see its collection.
    func readableSignal(_ context: HubRequestContext, _ caller: Caller) async throws -> StoredSignal {
        guard let text = context.parameters.get("id"), let id = Int(text) else {
            throw APIError.invalid("signal", "signal id must be a whole number")
        }
        guard let signal = try await store.signal(id) else { throw APIError.notFound("signal", "no signal \(id)") }
        let memberships = access.memberships(of: caller.organisationID)
        // Not a member: answer as if it did not exist, so ids reveal nothing.
        guard memberships[signal.collectionID] != nil else { throw APIError.notFound("signal", "no signal \(id)") }
        return signal
    }

    /// Throws unless the caller's organisation belongs to the collection (with write access if asked).
    func requireAccess(_ caller: Caller, to collectionID: UUID, write: Bool) throws {
        let memberships = access.memberships(of: caller.organisationID)
        guard let access = memberships[collectionID] else {
            throw APIError.notFound("collection", "no collection \(collectionID) among your organisation's collections")
        }
        if write && !access.canWrite {
            throw APIError.forbidden("your organisation can read but not write collection \(collectionID)", field: "collection")
        }
    }
}
