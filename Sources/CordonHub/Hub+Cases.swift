import CordonDomain
import CordonStore
import Crypto
import Foundation
import Hummingbird

extension Hub {
    func addCaseRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.post("referrals") { request, context -> EditedResponse<API.CaseOut> in
            let sentAt = now()
            let caller = try context.requireCaller()
            guard [.authority, .referralUnit, .trustedFlagger].contains(caller.kind) else {
                throw APIError.forbidden("referrals come from authorities, referral units and trusted flaggers")
            }
            try requireActing(caller)
            let body = try await request.decodeJSON(API.NewReferral.self, context: context)
            let urls = try Self.rule { () throws(RuleError) in try RemovalOrderContent.validateURLs(body.urls, field: "urls") }
            let hashes = try Self.rule { () throws(RuleError) in try ContentHash.normalised(body.hashes, field: "hashes") }
            let statement = body.statement.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !statement.isEmpty else { throw APIError.invalid("statement", "say why the content breaches the platform's terms") }
            let new = NewCase(kind: .referral, platformID: body.platform, reference: body.reference ?? "", urls: urls, hashes: hashes,
                              categories: body.categories ?? [], statement: statement, override: body.override ?? false)
            let record = try await storeCall {
                try await store.openCase(new, by: caller, sentAt: sentAt, receivedAt: now(), receipt: nil, rules: configuration.desk)
            }
            casesChanged()
            return EditedResponse(status: .created, response: API.CaseOut(record))
        }

        v1.post("orders") { request, context -> EditedResponse<API.CaseOut> in
            let sentAt = now()
            let caller = try context.requireCaller()
            guard caller.kind == .authority else { throw APIError.forbidden("removal orders are issued by competent authorities") }
            try requireActing(caller)
            let body = try await request.decodeJSON(API.NewOrder.self, context: context)
            let order = body.order
            guard order.issuingAuthority == caller.organisationID else {
                throw APIError.invalid("order.issuingAuthority", "the order must name your own organisation (\(caller.organisationID)) as issuing authority")
            }
            let checked = try Self.rule { () throws(RuleError) in try order.validate() }
            guard let key = try await store.signingKey(body.signingKey), key.organisationID == caller.organisationID,
                  key.revokedAt == nil
            else { throw APIError.invalid("signingKey", "no valid signing key \(body.signingKey) of your organisation; register one with POST /v1/signing-keys") }
            let bytes = order.canonicalBytes
            guard HubNotary.verify(signature: body.signature, of: bytes, publicKey: key.publicKey) else {
                throw APIError.invalid("signature", "the signature does not verify: sign the RFC 8785 canonical JSON of 'order' with Ed25519 and send it base64")
            }
            let canonical = String(decoding: bytes, as: UTF8.self)
            let new = NewCase(
                kind: .removalOrder, platformID: order.platform, reference: order.referenceNumber, urls: checked.urls,
                hashes: checked.hashes, categories: order.reasons,
                statement: order.statement, emergency: order.emergency != nil,
                signedOrder: .init(canonicalJSON: canonical, signature: body.signature, keyID: key.id!),
                nonDisclosureUntil: order.nonDisclosure.flatMap { RemovalOrderContent.parseDate($0.until) },
                override: body.override ?? false)
            let receivedAt = now()
            let receipt = try notary.sign(OrderReceipt(
                caseID: new.id, issuer: caller.organisationID, platform: order.platform,
                orderSHA256: SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined(),
                sentAt: HubStore.iso(sentAt), receivedAt: HubStore.iso(receivedAt)))
            let record = try await storeCall {
                try await store.openCase(new, by: caller, sentAt: sentAt, receivedAt: receivedAt,
                                         receipt: String(decoding: try JSONEncoder().encode(receipt), as: UTF8.self),
                                         rules: configuration.desk)
            }
            casesChanged()
            return EditedResponse(status: .created, response: API.CaseOut(record))
        }

        v1.get("orders/:id/proof") { _, context -> API.Proof in
            let caller = try context.requireCaller()
            let record = try await storeCall { try await store.case(try Self.uuidParameter(context, "id", field: "order"), for: caller) }
            guard let order = record.orderJSON, let signature = record.signature, let keyID = record.signingKeyID,
                  let receipt = HubStore.decode(record.receipt, as: SignedStatement.self),
                  let key = try await store.signingKey(keyID)
            else { throw APIError.notFound("order", "case \(record.id!) is a referral: only removal orders carry signatures") }
            return API.Proof(order: order, issuerSignature: signature, issuerPublicKey: key.publicKey, receipt: receipt,
                             hubPublicKey: notary.publicKey)
        }

        v1.get("cases") { request, context -> API.CasePage in
            let caller = try context.requireCaller()
            let view = try Self.enumQuery(request, "view", HubStore.CaseView.self)
                ?? (caller.kind == .platform ? .inbox : .issued)
            let kind = try Self.enumQuery(request, "kind", CaseKind.self)
            let state = try Self.enumQuery(request, "state", CaseState.self)
            let limit = try Self.intQuery(request, "limit", default: 100, range: 1...1000)
            var before: Date?
            if let text = request.uri.queryParameters.get("before") {
                guard let date = RemovalOrderContent.parseDate(String(text)) else {
                    throw APIError.invalid("before", "before must be an ISO 8601 time (the 'next' of the previous page)")
                }
                before = date
            }
            let records = try await store.cases(view, for: caller, kind: kind, state: state, before: before, limit: limit)
            return API.CasePage(cases: records.map { API.CaseOut($0) }, next: records.count == limit ? records.last?.receivedAt : nil)
        }

        v1.get("cases/:id") { _, context -> API.CaseOut in
            let caller = try context.requireCaller()
            let record = try await storeCall { try await store.case(try Self.uuidParameter(context, "id", field: "case"), for: caller) }
            return API.CaseOut(record, urls: try await store.urls(of: record.id!))
        }

        v1.post("cases/:id/actions") { request, context -> API.CaseOut in
            let caller = try context.requireCaller()
            let id = try Self.uuidParameter(context, "id", field: "case")
            try requireActing(caller)
            let action = try await request.decodeJSON(API.ActionIn.self, context: context).caseAction()
            let record = try await storeCall { try await store.act(on: id, action, by: caller, now: now(), rules: configuration.desk) }
            casesChanged()
            return API.CaseOut(record, urls: try await store.urls(of: id))
        }

        v1.get("cases/:id/checks") { _, context -> [API.URLCheckOut] in
            let caller = try context.requireCaller()
            let record = try await storeCall { try await store.case(try Self.uuidParameter(context, "id", field: "case"), for: caller) }
            let urls = Dictionary(uniqueKeysWithValues: try await store.urls(of: record.id!).map { ($0.id!, $0.url) })
            return try await store.checks(of: record.id!).map {
                API.URLCheckOut(url: urls[$0.caseURLID] ?? "", at: $0.at, outcome: $0.outcome, statusCode: $0.statusCode, detail: $0.detail)
            }
        }
    }

    /// Writing to cases needs a contributor or admin key.
    func requireActing(_ caller: Caller) throws {
        guard caller.role.canContribute else { throw APIError.forbidden("acting on cases needs a contributor or admin key") }
    }

    /// Runs a domain rule, turning its refusal into a 4xx.
    static func rule<T>(_ body: () throws(RuleError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw APIError(StoreError(error))
        }
    }

    static func enumQuery<T: RawRepresentable & CaseIterable>(_ request: Request, _ name: String, _ type: T.Type) throws -> T?
    where T.RawValue == String {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let value = T(rawValue: String(text)) else {
            throw APIError.invalid(name, "\(name) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }
}
