import CordonDomain
import CordonStore
import Foundation
import Hummingbird

extension Hub {
    /// Complaints, scrutiny of cross-border orders, and preservation of removed content.
    func addCaseReviewRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.post("cases/:id/complaints") { request, context -> EditedResponse<API.ComplaintOut> in
            let caller = try context.requireCaller()
            let id = try Self.uuidParameter(context, "id", field: "case")
            try requireActing(caller)
            let body = try await request.decodeJSON(API.ComplaintIn.self, context: context)
            let statement = try Self.requiredText(body.statement, field: "statement", "give the content provider's complaint")
            let record = try await storeCall { try await store.fileComplaint(on: id, statement: statement, by: caller, now: now()) }
            casesChanged()
            return EditedResponse(status: .created, response: API.ComplaintOut(record))
        }
        v1.get("cases/:id/complaints") { _, context -> [API.ComplaintOut] in
            let caller = try context.requireCaller()
            let record = try await storeCall { try await store.case(try Self.uuidParameter(context, "id", field: "case"), for: caller) }
            return try await store.complaints(of: record.id!).map { API.ComplaintOut($0) }
        }
        v1.post("complaints/:id/decision") { request, context -> API.ComplaintOut in
            let caller = try context.requireCaller()
            let id = try Self.uuidParameter(context, "id", field: "complaint")
            try requireActing(caller)
            let body = try await request.decodeJSON(API.DecisionIn.self, context: context)
            let reasons = try Self.requiredText(body.reasons, field: "reasons", "give the reasons for the decision")
            let record = try await storeCall {
                try await store.decideComplaint(id, outcome: body.outcome, reasons: reasons, by: caller, now: now())
            }
            casesChanged()
            return API.ComplaintOut(record)
        }
        v1.post("orders/:id/scrutiny") { request, context -> API.CaseOut in
            let caller = try context.requireCaller()
            let id = try Self.uuidParameter(context, "id", field: "order")
            try requireActing(caller)
            let body = try await request.decodeJSON(API.ScrutinyRequestIn.self, context: context)
            let reason = try Self.requiredText(body.reason, field: "reason", "say why the order should be scrutinised")
            let record = try await storeCall {
                try await store.requestScrutiny(of: id, reason: reason, by: caller, now: now(), rules: configuration.desk)
            }
            casesChanged()
            return API.CaseOut(record)
        }
        v1.post("orders/:id/scrutiny/decision") { request, context -> API.CaseOut in
            let caller = try context.requireCaller()
            let id = try Self.uuidParameter(context, "id", field: "order")
            try requireActing(caller)
            let body = try await request.decodeJSON(API.DecisionIn.self, context: context)
            let reasons = try Self.requiredText(body.reasons, field: "reasons", "give the reasons for the decision")
            let record = try await storeCall {
                try await store.decideScrutiny(of: id, outcome: body.outcome, reasons: reasons, by: caller, now: now(),
                                               rules: configuration.desk)
            }
            casesChanged()
            return API.CaseOut(record)
        }
        v1.post("cases/:id/preservations") { request, context -> EditedResponse<API.PreservationOut> in
            let caller = try context.requireCaller()
            let id = try Self.uuidParameter(context, "id", field: "case")
            try requireActing(caller)
            let body = try await request.decodeJSON(API.PreservationIn.self, context: context)
            let reference = try Self.requiredText(body.contentReference, field: "contentReference",
                                                  "name where the platform keeps the content (its own reference)")
            let hashes = try Self.rule { () throws(RuleError) in try ContentHash.normalised(body.hashes, field: "hashes") }
            var sealed: Data?
            if let evidence = body.evidence {
                guard let bytes = Data(base64Encoded: evidence) else { throw APIError.invalid("evidence", "evidence must be base64") }
                sealed = try notary.seal(bytes)
            }
            let record = try await storeCall {
                try await store.preserve(caseID: id, contentReference: reference, hashes: HubStore.json(hashes),
                                         metadata: HubStore.json(body.metadata ?? [:]), sealedEvidence: sealed,
                                         by: caller, now: now(), rules: configuration.desk)
            }
            return EditedResponse(status: .created, response: API.PreservationOut(record))
        }
        v1.get("cases/:id/preservations") { _, context -> [API.PreservationOut] in
            let caller = try context.requireCaller()
            let record = try await storeCall { try await store.case(try Self.uuidParameter(context, "id", field: "case"), for: caller) }
            return try await store.preservations(of: record.id!).map { API.PreservationOut($0) }
        }
        v1.get("preservations/:id/evidence") { _, context -> Response in
            let caller = try context.requireCaller()
            let record = try await storeCall { try await store.preservation(try Self.uuidParameter(context, "id", field: "preservation"), for: caller) }
            guard record.platformID == caller.organisationID else {
                throw APIError.forbidden("only the platform that preserved the evidence can read it")
            }
            guard let sealed = record.evidence else {
                throw APIError.notFound("evidence", record.purgedAt == nil ? "this record has no evidence file" : "this record was purged")
            }
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try notary.open(sealed))))
        }
        v1.post("preservations/:id/legal-hold") { request, context -> API.PreservationOut in
            let caller = try context.requireCaller()
            let id = try Self.uuidParameter(context, "id", field: "preservation")
            try requireActing(caller)
            let body = try await request.decodeJSON(API.LegalHoldIn.self, context: context)
            guard let until = RemovalOrderContent.parseDate(body.until) else {
                throw APIError.invalid("until", "until must be an ISO 8601 time")
            }
            return API.PreservationOut(try await storeCall { try await store.holdPreservation(id, until: until, by: caller, now: now()) })
        }
    }

    static func requiredText(_ text: String, field: String, _ message: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 10_000 else { throw APIError.invalid(field, "\(message) (1 to 10,000 characters)") }
        return trimmed
    }
}
