import CordonDomain
import CordonInterop
import CordonServices
import Foundation
import Hummingbird
import MediaHashing
import PDQ

/// Enough of HMA's curation API (`/c/…`) for ROOST's Coop to manage its banks: a bank is
/// a collection, its content a signal.
extension Hub {
    func addHMABankRoutes(to group: RouterGroup<HubRequestContext>) {
        group.get("c/banks") { _, context in
            let caller = try context.requireCaller(.listCollections, services)
            let banks = HMAShapes.banks(try await services.readableCollections(caller))
            return Self.json(banks.sorted { $0.value < $1.value }.map { HMAShapes.Bank(name: $0.value, collection: $0.key) })
        }
        group.post("c/banks") { request, context in
            let caller = try context.requireCaller(.createCollection, services)
            let body = try await Self.hmaObject(request, context)
            guard let name = body["name"] as? String, HMAShapes.isValidBankName(name) else {
                throw HMAError.badRequest("Bank names must be UPPER_WITH_UNDERSCORE")
            }
            if try await bank(named: name, caller) != nil { throw HMAError(status: 403, message: "Bank already exists") }
            let collection = try await services.createCollection(API.NewCollection(name: name, description: "HMA bank"), by: caller)
            return Self.json(HMAShapes.Bank(name: name, collection: collection.id), status: .created)
        }
        group.get("c/bank/:name") { _, context in
            let (id, name) = try await requireBank(context)
            return Self.json(HMAShapes.Bank(name: name, collection: id))
        }
        group.put("c/bank/:name") { _, context -> Response in
            _ = try await requireBank(context)
            throw HMAError.refused("a Cordon collection keeps its name and always matches; change it with /v1")
        }
        group.delete("c/bank/:name") { _, context -> Response in
            _ = try await requireBank(context)
            throw HMAError.refused("Cordon never deletes a collection: retract its content instead (DELETE /c/bank/<name>/content/<id>)")
        }
        group.post("c/bank/:name/signal") { request, context in
            let caller = try context.requireCaller(.submitSignals, services)
            let (collection, _) = try await requireBank(context)
            let body = try await Self.hmaObject(request, context)
            guard body["note"] == nil || body["note"] is String else { throw HMAError.badRequest("note is text") }
            let signals = body.filter { $0.key != "note" }
            guard signals.count == 1, let (name, value) = signals.first, let hash = value as? String else {
                throw HMAError.badRequest("send one signal, as {\"pdq\": \"<hash>\"}")
            }
            let type = try HMAShapes.signalType(named: name)
            return try await addContent(SignalSubmission(type: type, value: hash, item: body["note"] as? String), to: collection, caller)
        }
        group.post("c/bank/:name/content") { request, context in
            let caller = try context.requireCaller(.submitSignals, services)
            let (collection, _) = try await requireBank(context)
            guard request.uri.queryParameters.get("url") == nil else {
                throw HMAError(status: 403, message: "Hashing is disabled, missing role")
            }
            let record = try await services.hash(upload: try await Self.hmaUpload(request, context), by: caller)
            return try await addContent(SignalSubmission(type: .pdq, value: record.pdq.hash.hex), to: collection, caller)
        }
        group.get("c/bank/:name/content/:id") { request, context in
            let caller = try context.requireCaller(.readSignal, services)
            let (collection, name) = try await requireBank(context)
            let signal = try await bankSignal(context, in: collection, caller)
            return Self.json(HMAShapes.content(signal, bank: name, includeSignals: try Self.boolQuery(request, "include_signals", default: true)))
        }
        group.delete("c/bank/:name/content/:id") { _, context in
            let caller = try context.requireCaller(.retractSignal, services)
            let (collection, _) = try await requireBank(context)
            let signal = try await bankSignal(context, in: collection, caller)
            _ = try await services.retract(signal.id, by: caller)
            return Self.json(["deleted": 1])
        }
    }

    private func addContent(_ submission: SignalSubmission, to collection: UUID, _ caller: Caller) async throws -> Response {
        let result: API.SubmissionResult
        do {
            result = try await services.submit(API.Submission(signals: [submission], isBulk: false), to: collection, by: caller)
        } catch let error as ServiceError where error.code == .invalid {
            throw HMAError.badRequest("invalid signal: \(error.message)")
        }
        let item = result.results[0]
        return Self.json(HMAContentAdded(id: item.id, signals: [HMAShapes.name(of: submission.type): item.signal?.value ?? submission.value]))
    }

    private func bank(named name: String, _ caller: Caller) async throws -> (UUID, String)? {
        HMAShapes.banks(try await services.readableCollections(caller)).first { $0.value == name }.map { ($0.key, $0.value) }
    }

    private func requireBank(_ context: HubRequestContext) async throws -> (UUID, String) {
        let name = context.parameters.get("name") ?? ""
        guard let found = try await bank(named: name, try context.requireCaller()) else {
            throw HMAError.notFound("bank '\(name)' not found")
        }
        return found
    }

    private func bankSignal(_ context: HubRequestContext, in collection: UUID, _ caller: Caller) async throws -> API.SignalOut {
        guard let id = context.parameters.get("id").flatMap({ Int($0) }) else {
            throw HMAError.badRequest("content ids are whole numbers")
        }
        let signal = try await services.signal(id, by: caller)
        // Deleted content is gone as HMA sees it (Cordon keeps it, retracted, for the record).
        guard signal.collectionID == collection, signal.status != .retracted else { throw HMAError.notFound("bank content '\(id)' not found") }
        return signal
    }

    static func hmaObject(_ request: Request, _ context: HubRequestContext) async throws -> [String: Any] {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] else {
            throw HMAError.badRequest("the body must be a JSON object")
        }
        return object
    }
}

struct HMAContentAdded: Encodable {
    var id: Int
    var signals: [String: String]
}
