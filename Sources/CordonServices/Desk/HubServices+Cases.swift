import CordonDomain
import CordonStore
import Crypto
import Foundation

/// Referrals and removal orders, from issue to removal or refusal.
extension HubServices {
    public func refer(_ command: API.NewReferral, by caller: Caller) async throws -> API.CaseOut {
        let sentAt = now()
        try authorise(.issueReferral, caller)
        let urls = try Self.rule { () throws(RuleError) in try RemovalOrderContent.validateURLs(command.urls, field: "urls") }
        let hashes = try Self.rule { () throws(RuleError) in try ContentHash.normalised(command.hashes, field: "hashes") }
        let statement = try Validation.text(command.statement, field: "statement", "say why the content breaches the platform's terms")
        let reference = try Validation.note(command.reference, field: "reference", limit: 200)
        let new = NewCase(kind: .referral, platformID: command.platform, reference: reference, urls: urls, hashes: hashes,
                          categories: command.categories ?? [], statement: statement, override: command.override ?? false)
        return API.CaseOut(try await openReferral(new, sentAt: sentAt, by: caller))
    }

    /// Opens a referral (received at once: it has no hour to start) and tells its streams.
    func openReferral(_ new: NewCase, sentAt: Date, by caller: Caller) async throws -> CaseRecord {
        let record = try await storeCall {
            try await store.openCase(new, by: caller, sentAt: sentAt, receivedAt: now(), receipt: nil, rules: configuration.desk)
        }
        casesChanged()
        return record
    }

    /// An order as it will be signed (RFC 8785 canonical JSON), once the caller may issue it
    /// and it passes every rule `issue` checks before the signature: the desk page shows
    /// this for the browser to sign.
    public func prepare(_ order: RemovalOrderContent, by caller: Caller) throws -> String {
        _ = try checked(order, by: caller)
        return String(decoding: order.canonicalBytes, as: UTF8.self)
    }

    /// The order's URLs and hashes in normal form, if the caller may issue it as written.
    private func checked(_ order: RemovalOrderContent, by caller: Caller) throws -> RemovalOrderContent.Checked {
        try authorise(.issueOrder, caller)
        guard order.issuingAuthority == caller.organisationID else {
            throw ServiceError.invalid("order.issuingAuthority", "the order must name your own organisation (\(caller.organisationID)) as issuing authority")
        }
        return try Self.rule { () throws(RuleError) in try order.validate() }
    }

    /// A signed removal order: the signature is checked against the issuer's registered
    /// key, and the hub signs a receipt that starts the platform's hour.
    public func issue(_ command: API.NewOrder, by caller: Caller) async throws -> API.CaseOut {
        let sentAt = now()
        let order = command.order
        let checked = try checked(order, by: caller)
        guard let key = try await store.signingKey(command.signingKey), key.organisationID == caller.organisationID,
              key.revokedAt == nil
        else { throw ServiceError.invalid("signingKey", "no valid signing key \(command.signingKey) of your organisation; register one with POST /v1/signing-keys") }
        // A key registered before the hub refused keys of small or mixed order is checked again.
        do {
            _ = try SigningPublicKey(base64: key.publicKey, field: "signingKey")
        } catch {
            throw ServiceError.invalid("signingKey", "signing key \(command.signingKey) is no longer accepted: \(error.message); register a new one with POST /v1/signing-keys")
        }
        let bytes = order.canonicalBytes
        guard HubNotary.verify(signature: command.signature, of: bytes, publicKey: key.publicKey) else {
            throw ServiceError.invalid("signature", "the signature does not verify: sign the RFC 8785 canonical JSON of 'order' with Ed25519 and send it base64")
        }
        let new = NewCase(
            kind: .removalOrder, platformID: order.platform, reference: order.referenceNumber, urls: checked.urls,
            hashes: checked.hashes, categories: order.reasons,
            statement: order.statement, emergency: order.emergency != nil,
            signedOrder: .init(canonicalJSON: String(decoding: bytes, as: UTF8.self), signature: command.signature, keyID: key.id!),
            nonDisclosureUntil: order.nonDisclosure.flatMap { RemovalOrderContent.parseDate($0.until) },
            override: command.override ?? false)
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
        return API.CaseOut(record)
    }

    /// The order as signed, the issuer's key, and the hub's receipt: enough to prove
    /// offline what was ordered and when the hour started.
    public func proof(of id: UUID, by caller: Caller) async throws -> API.Proof {
        let record = try await authorisedCase(.readCase, id, caller, field: "order")
        guard let order = record.orderJSON, let signature = record.signature, let keyID = record.signingKeyID,
              let receipt = HubStore.decode(record.receipt, as: SignedStatement.self),
              let key = try await store.signingKey(keyID)
        else { throw ServiceError.notFound("order", "case \(record.id!) is a referral: only removal orders carry signatures") }
        return API.Proof(order: order, issuerSignature: signature, issuerPublicKey: key.publicKey, receipt: receipt,
                         hubPublicKey: notary.publicKey(verifying: receipt) ?? notary.publicKey)
    }

    /// A page of the caller's cases, newest first; `view` defaults to a platform's inbox
    /// and anyone else's issued cases.
    public func cases(view: HubStore.CaseView?, kind: CaseKind?, state: CaseState?, before: Date?, limit: Int,
                      by caller: Caller) async throws -> API.CasePage {
        try authorise(.listCases, caller)
        let view = view ?? (caller.kind == .platform ? .inbox : .issued)
        let records = try await store.cases(view, for: caller, kind: kind, state: state, before: before, limit: limit)
        return API.CasePage(cases: records.map { API.CaseOut($0) }, next: records.count == limit ? records.last?.receivedAt : nil)
    }

    public func `case`(_ id: UUID, by caller: Caller) async throws -> API.CaseOut {
        let record = try await authorisedCase(.readCase, id, caller)
        return API.CaseOut(record, urls: try await store.urls(of: id))
    }

    /// An action of either side; the case's state machine says which side may take it.
    public func act(on id: UUID, _ command: API.ActionIn, by caller: Caller) async throws -> API.CaseOut {
        _ = try await authorisedCase(.actOnCase, id, caller)
        let action = try command.caseAction()
        let record = try await storeCall { try await store.act(on: id, action, by: caller, now: now(), rules: configuration.desk) }
        casesChanged()
        var out = API.CaseOut(record, urls: try await store.urls(of: id))
        if case .confirmRemoval = action, !out.categories.isEmpty {
            let suggested = try await suggestions(for: [SignalLabels(categories: out.categories)], language: nil, country: nil, by: caller)
            out.campaigns = suggested.isEmpty ? nil : suggested
        }
        return out
    }

    /// What has happened to one case, in order.
    public func timeline(of id: UUID, by caller: Caller) async throws -> [API.CaseEventOut] {
        _ = try await authorisedCase(.readCase, id, caller)
        return try await store.caseEvents(of: id).map { API.CaseEventOut($0) }
    }

    /// The removal checker's look at each URL of the case.
    public func checks(of id: UUID, by caller: Caller) async throws -> [API.URLCheckOut] {
        _ = try await authorisedCase(.readCase, id, caller)
        let urls = Dictionary(uniqueKeysWithValues: try await store.urls(of: id).map { ($0.id!, $0.url) })
        return try await store.checks(of: id).map {
            API.URLCheckOut(url: urls[$0.caseURLID] ?? "", at: $0.at, outcome: $0.outcome, statusCode: $0.statusCode, detail: $0.detail)
        }
    }

    public func caseEvents(since: Int, limit: Int, by caller: Caller) async throws -> API.CaseEventPage {
        try authorise(.readCaseEvents, caller)
        let events = try await store.caseEvents(after: since, for: caller.organisationID, limit: limit)
        return API.CaseEventPage(events: events.map { API.CaseEventOut($0) }, next: events.last?.id ?? since)
    }

    /// What happens to the caller's cases, live.
    public func caseEventStream(by caller: Caller) throws -> LiveStream<API.CaseEventOut> {
        try authorise(.readCaseEvents, caller)
        let store = store
        return LiveStream(
            newest: { try await store.latestCaseEvent() }, wakes: caseEvents.subscribe(), reads: caseEvents.reads,
            audience: "case events of \(caller.organisationID)", pageSize: 500,
            page: { try await store.caseEvents(after: $0, for: caller.organisationID, limit: 500).map { API.CaseEventOut($0) } },
            cursor: \.id, kind: \.event, isAllowed: { [self] in isLive(caller) }, lease: try streams.lease(for: caller))
    }
}
