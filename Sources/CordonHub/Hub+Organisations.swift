import CordonDomain
import CordonStore
import Foundation
import Hummingbird

extension Hub {
    func addOrganisationRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.get("me") { _, context -> API.Me in
            let caller = try context.requireCaller()
            guard let organisation = try await store.organisation(caller.organisationID) else {
                throw APIError.unauthorized("this key's organisation no longer exists")
            }
            return API.Me(organisation: .init(organisation), role: caller.role, keyID: caller.keyID)
        }
        v1.get("organisations") { _, context -> [API.OrganisationOut] in
            _ = try context.requireCaller()
            return try await store.organisations().map(API.OrganisationOut.init)
        }
        v1.post("organisations") { request, context -> EditedResponse<API.OrganisationOut> in
            let caller = try context.requireCaller()
            guard caller.role.canAdminister else { throw APIError.forbidden("creating organisations needs an admin key") }
            let body = try await request.decodeJSON(API.NewOrganisation.self, context: context)
            let name = try Self.validName(body.name, field: "name")
            if let state = body.memberState, state.count != 2 || !state.allSatisfy({ $0.isASCII && $0.isLetter }) {
                throw APIError.invalid("memberState", "memberState is an ISO 3166 two-letter code such as DE")
            }
            let record = try await storeCall {
                try await store.createOrganisation(name: name, kind: body.kind, memberState: body.memberState?.uppercased(), by: caller)
            }
            try await accessChanged()
            return EditedResponse(status: .created, response: .init(record))
        }
        v1.post("organisations/:id/keys") { request, context -> EditedResponse<API.KeyOut> in
            let caller = try context.requireCaller()
            let organisationID = try Self.uuidParameter(context, "id", field: "organisation")
            guard caller.role.canAdminister else { throw APIError.forbidden("creating keys needs an admin key") }
            let body = try await request.decodeJSON(API.NewKey.self, context: context)
            let (record, secret) = try await storeCall {
                try await store.createKey(organisationID: organisationID, role: body.role, label: body.label ?? "", by: caller)
            }
            try await accessChanged()
            return EditedResponse(status: .created, response: API.KeyOut(
                id: record.id!, organisationID: organisationID, role: body.role, label: record.label, secret: secret))
        }
        v1.delete("keys/:id") { _, context -> HTTPResponse.Status in
            let caller = try context.requireCaller()
            let keyID = try Self.uuidParameter(context, "id", field: "key")
            guard caller.role.canAdminister else { throw APIError.forbidden("revoking keys needs an admin key") }
            try await storeCall { try await store.revokeKey(keyID, by: caller) }
            try await accessChanged()
            return .noContent
        }
        v1.get("audit") { request, context -> API.AuditPage in
            let caller = try context.requireCaller()
            guard caller.role.canAudit else { throw APIError.forbidden("reading the audit log needs an auditor or admin key") }
            let since = try Self.intQuery(request, "since", default: 0, range: 0...Int.max)
            let limit = try Self.intQuery(request, "limit", default: 500, range: 1...5000)
            let entries = try await store.auditLog(after: since, limit: limit).map {
                API.AuditPage.Entry(id: $0.id!, at: $0.at, organisationID: $0.organisationID, keyID: $0.keyID,
                                    action: $0.action, target: $0.target,
                                    detail: HubStore.decode($0.detail, as: [String: String].self) ?? [:])
            }
            return API.AuditPage(entries: entries, next: entries.last?.id ?? since)
        }
    }

    static func validName(_ name: String, field: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(trimmed.count) else {
            throw APIError.invalid(field, "\(field) must be 1 to 200 characters")
        }
        return trimmed
    }

    static func uuidParameter(_ context: HubRequestContext, _ name: String, field: String) throws -> UUID {
        guard let text = context.parameters.get(name), let id = UUID(uuidString: text) else {
            throw APIError.invalid(field, "\(field) id must be a UUID")
        }
        return id
    }

    static func intQuery(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError.invalid(name, "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}
