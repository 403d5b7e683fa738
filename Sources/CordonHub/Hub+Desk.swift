import CordonDomain
import CordonOutbound
import CordonStore
import Foundation
import Hummingbird

extension Hub {
    /// De-confliction and holds, signing keys, webhooks and transparency reports.
    func addDeskRoutes(to v1: RouterGroup<HubRequestContext>) {
        v1.get("deconfliction") { request, context -> API.Deconfliction in
            let caller = try context.requireCaller()
            try requireAuthority(caller)
            guard let text = request.uri.queryParameters.get("url") else { throw APIError.invalid("url", "give ?url=…") }
            let url = try Self.rule { () throws(RuleError) in try ContentURL(String(text)) }
            let holds = try await store.activeHolds(now: now()).filter {
                $0.url == url.normalised || $0.domain.map { url.isUnder(domain: $0) } == true
            }
            return API.Deconfliction(url: url.normalised, cases: try await store.casesCovering(url).map { API.CaseOut($0) },
                                     holds: holds.map { API.HoldOut($0) })
        }
        v1.post("holds") { request, context -> EditedResponse<API.HoldOut> in
            let caller = try context.requireCaller()
            try requireAuthority(caller)
            try requireActing(caller)
            let body = try await request.decodeJSON(API.HoldIn.self, context: context)
            guard (body.url == nil) != (body.domain == nil) else {
                throw APIError.invalid("url", "a hold covers either one url or one domain: give exactly one")
            }
            let url = try body.url.map { text in try Self.rule { () throws(RuleError) in try ContentURL(text) } }
            let domain = try body.domain.map { text in try Self.rule { () throws(RuleError) in try ContentURL.normaliseDomain(text) } }
            let reason = try Self.requiredText(body.reason, field: "reason", "say what the hold is for (an investigation reference)")
            var until: Date?
            if let text = body.until {
                guard let date = RemovalOrderContent.parseDate(text), date > now() else {
                    throw APIError.invalid("until", "until must be an ISO 8601 time in the future")
                }
                until = date
            }
            let record = try await storeCall {
                try await store.placeHold(url: url, domain: domain, reason: reason, until: until, by: caller, now: now())
            }
            return EditedResponse(status: .created, response: API.HoldOut(record))
        }
        v1.get("holds") { _, context -> [API.HoldOut] in
            try requireAuthority(try context.requireCaller())
            return try await store.activeHolds(now: now()).map { API.HoldOut($0) }
        }
        v1.delete("holds/:id") { _, context -> HTTPResponse.Status in
            let caller = try context.requireCaller()
            try requireAuthority(caller)
            try requireActing(caller)
            try await storeCall { try await store.liftHold(try Self.uuidParameter(context, "id", field: "hold"), by: caller, now: now()) }
            return .noContent
        }

        v1.post("signing-keys") { request, context -> EditedResponse<API.SigningKeyOut> in
            let caller = try context.requireCaller()
            guard caller.kind == .authority, caller.role.canAdminister else {
                throw APIError.forbidden("signing keys are registered by an authority's admin key")
            }
            let body = try await request.decodeJSON(API.SigningKeyIn.self, context: context)
            guard let raw = Data(base64Encoded: body.publicKey), raw.count == 32 else {
                throw APIError.invalid("publicKey", "publicKey must be a raw 32-byte Ed25519 public key, base64")
            }
            let record = try await storeCall { try await store.addSigningKey(publicKey: body.publicKey, by: caller, now: now()) }
            return EditedResponse(status: .created, response: API.SigningKeyOut(record))
        }
        v1.get("signing-keys") { request, context -> [API.SigningKeyOut] in
            _ = try context.requireCaller()
            var organisation: UUID?
            if let text = request.uri.queryParameters.get("organisation") {
                guard let id = UUID(uuidString: String(text)) else { throw APIError.invalid("organisation", "organisation must be a UUID") }
                organisation = id
            }
            return try await store.signingKeys(of: organisation).map { API.SigningKeyOut($0) }
        }
        v1.delete("signing-keys/:id") { _, context -> HTTPResponse.Status in
            let caller = try context.requireCaller()
            guard caller.role.canAdminister else { throw APIError.forbidden("revoking signing keys needs an admin key") }
            try await storeCall {
                try await store.revokeSigningKey(try Self.uuidParameter(context, "id", field: "signing key"), by: caller, now: now())
            }
            return .noContent
        }
        v1.get("hub-key") { _, context -> API.HubKey in
            _ = try context.requireCaller()
            return API.HubKey(publicKey: notary.publicKey)
        }

        v1.post("webhooks") { request, context -> EditedResponse<API.WebhookOut> in
            let caller = try context.requireCaller()
            guard caller.role.canAdminister else { throw APIError.forbidden("webhooks are managed with an admin key") }
            let body = try await request.decodeJSON(API.WebhookIn.self, context: context)
            let known = Set(CaseEventKind.allCases.map(\.rawValue) + IncidentEventKind.allCases.map(\.rawValue))
            for (index, event) in (body.events ?? []).enumerated() where !known.contains(event) {
                throw APIError.invalid("events[\(index)]", "unknown event '\(event)'; known: \(known.sorted().joined(separator: ", "))")
            }
            do {
                try await WebhookSender.validate(body.url, policy: configuration.outboundPolicy)
            } catch let error as OutboundError {
                throw APIError.invalid("url", error.description)
            }
            let secret = HubStore.newSecret(prefix: "whsec_", bytes: 24)
            let record = try await storeCall {
                try await store.createWebhook(url: body.url, events: body.events ?? [], secret: secret, by: caller, now: now())
            }
            return EditedResponse(status: .created, response: API.WebhookOut(record, showSecret: true))
        }
        v1.get("webhooks") { _, context -> [API.WebhookOut] in
            let caller = try context.requireCaller()
            return try await store.webhooks(of: caller.organisationID).map { API.WebhookOut($0, showSecret: false) }
        }
        v1.delete("webhooks/:id") { _, context -> HTTPResponse.Status in
            let caller = try context.requireCaller()
            guard caller.role.canAdminister else { throw APIError.forbidden("webhooks are managed with an admin key") }
            try await storeCall { try await store.revokeWebhook(try Self.uuidParameter(context, "id", field: "webhook"), by: caller, now: now()) }
            return .noContent
        }
        v1.get("webhooks/:id/deliveries") { request, context -> [API.DeliveryOut] in
            let caller = try context.requireCaller()
            let id = try Self.uuidParameter(context, "id", field: "webhook")
            guard try await store.webhooks(of: caller.organisationID).contains(where: { $0.id == id }) else {
                throw APIError.notFound("webhook", "no webhook \(id) of your organisation")
            }
            let state = request.uri.queryParameters.get("state").map { String($0) }
            if let state, !["pending", "delivered", "dead"].contains(state) {
                throw APIError.invalid("state", "state must be pending, delivered or dead")
            }
            let limit = try Self.intQuery(request, "limit", default: 100, range: 1...1000)
            return try await store.deliveries(of: id, state: state, limit: limit).map { API.DeliveryOut($0) }
        }

        v1.get("reports/transparency") { request, context -> Response in
            let caller = try context.requireCaller()
            let year = try Self.intQuery(request, "year", default: Calendar.current.component(.year, from: now()), range: 2000...2100)
            var organisation = caller.organisationID
            if let text = request.uri.queryParameters.get("organisation") {
                guard let id = UUID(uuidString: String(text)) else { throw APIError.invalid("organisation", "organisation must be a UUID") }
                guard id == caller.organisationID || caller.role == .auditor || caller.kind == .auditor else {
                    throw APIError.forbidden("another organisation's figures need an auditor key or an oversight organisation")
                }
                organisation = id
            }
            let figures = try await store.transparency(of: organisation, year: year)
            let format = request.uri.queryParameters.get("format").map { String($0) } ?? "json"
            switch format {
            case "json": return try figures.response(from: request, context: context)
            case "csv":
                return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: figures.csv)))
            default: throw APIError.invalid("format", "format must be json or csv")
            }
        }
    }

    func requireAuthority(_ caller: Caller) throws {
        guard caller.kind == .authority || caller.kind == .referralUnit else {
            throw APIError.forbidden("holds and de-confliction are for authorities and referral units")
        }
    }
}
