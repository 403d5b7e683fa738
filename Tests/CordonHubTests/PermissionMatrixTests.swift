import CordonDomain
import CordonHub
import CordonOutbound
import CordonServices
import CordonTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import Testing

/// Every `/v1` route × every caller of ``PermissionCast``, over real HTTP, on SQLite and
/// PostgreSQL. What each call should answer is read from ``PermissionTable`` (through
/// ``Hub/useCases``): a refusal must come with its status and error body and change
/// nothing stored; an allowed call must not be refused. A route without a use case or a
/// scenario here fails the suite.
@Suite(.serialized) struct PermissionMatrixTests {
    typealias Member = PermissionCast.Member

    /// How to call a route on the cast's objects, and how each member stands to them.
    struct Scenario {
        var uri: (PermissionCast) -> String
        var body: (PermissionCast) -> Any? = { _ in nil }
        /// The field a refusal names when it is about the object.
        var field = "object"
        var relations: (Member) -> [Relation] = { _ in [.unrelated] }
    }

    static func own(_ owner: Member) -> (Member) -> [Relation] { { $0 == owner ? [.own] : [.unrelated] } }

    nonisolated(unsafe) static let collection: (Member) -> [Relation] = {
        switch $0 {
        case .p: [.owner]
        case .r: [.memberWrite]
        case .t: [.memberRead]
        default: [.unrelated]
        }
    }
    /// R also contributed the cast's signals.
    nonisolated(unsafe) static let signal: (Member) -> [Relation] = { $0 == .r ? [.memberWrite, .contributor] : collection($0) }
    nonisolated(unsafe) static let caseParty: (Member) -> [Relation] = {
        switch $0 {
        case .p: [.addressee]
        case .r: [.issuer]
        default: [.unrelated]
        }
    }
    /// R proposed the incidents; P and Q sit on the board; platforms, the unit, flaggers and
    /// auditors see every incident; the authority A is not named.
    nonisolated(unsafe) static let incident: (Member) -> [Relation] = {
        switch $0 {
        case .r: [.proposer, .audience]
        case .p, .q: [.board, .audience]
        case .t, .x, .s: [.audience]
        default: [.unrelated]
        }
    }

    /// T sent the cast's notice to P.
    nonisolated(unsafe) static let notice: (Member) -> [Relation] = {
        switch $0 {
        case .p: [.addressee]
        case .t: [.issuer]
        default: [.unrelated]
        }
    }

    nonisolated(unsafe) static let submission: (PermissionCast) -> Any? = { _ in ["type": "pdq", "value": String(repeating: "c3", count: 32)] }

    nonisolated(unsafe) static let scenarios: [String: Scenario] = [
        "GET /v1/me": Scenario(uri: { _ in "/v1/me" }),
        "GET /v1/organisations": Scenario(uri: { _ in "/v1/organisations" }),
        "POST /v1/organisations": Scenario(uri: { _ in "/v1/organisations" }, body: { _ in ["name": "New \(UUID())", "kind": "platform"] }),
        "PATCH /v1/organisations/{id}": Scenario(uri: { "/v1/organisations/\($0.ids["spare"]!)" }, body: { _ in ["memberState": "FR"] },
                                                 field: "organisation", relations: { _ in [.unrelated] }),
        "POST /v1/organisations/{id}/suspension": Scenario(uri: { "/v1/organisations/\($0.ids["spare"]!)/suspension" },
                                                           body: { _ in ["reason": "matrix"] }, field: "organisation", relations: { _ in [.unrelated] }),
        "DELETE /v1/organisations/{id}/suspension": Scenario(uri: { "/v1/organisations/\($0.ids["spare"]!)/suspension" }, field: "organisation",
                                                             relations: { _ in [.unrelated] }),
        "PUT /v1/organisations/{id}/board": Scenario(uri: { "/v1/organisations/\($0.id(.t))/board" }, body: { _ in ["seated": false] },
                                                     field: "organisation", relations: own(.t)),
        "POST /v1/organisations/{id}/keys": Scenario(uri: { "/v1/organisations/\($0.id(.p))/keys" }, body: { _ in ["role": "consumer"] },
                                                     field: "organisation", relations: own(.p)),
        "GET /v1/organisations/{id}/keys": Scenario(uri: { "/v1/organisations/\($0.id(.p))/keys" }, field: "organisation", relations: own(.p)),
        "DELETE /v1/keys/{id}": Scenario(uri: { "/v1/keys/\($0.ids["keyToRevoke"]!)" }, field: "key", relations: own(.p)),
        "GET /v1/audit": Scenario(uri: { _ in "/v1/audit" }, relations: { _ in [.unrelated, .own] }),

        "GET /v1/collections": Scenario(uri: { _ in "/v1/collections" }),
        "POST /v1/collections": Scenario(uri: { _ in "/v1/collections" }, body: { _ in ["name": "New \(UUID())"] }),
        "PUT /v1/collections/{id}/members/{organisation}": Scenario(
            uri: { "/v1/collections/\($0.ids["collection"]!)/members/\($0.id(.q))" }, body: { _ in ["access": "read"] },
            field: "collection", relations: collection),
        "DELETE /v1/collections/{id}/members/{organisation}": Scenario(
            uri: { "/v1/collections/\($0.ids["collection"]!)/members/\($0.id(.x))" }, field: "collection", relations: collection),
        "POST /v1/collections/{id}/signals": Scenario(uri: { "/v1/collections/\($0.ids["collection"]!)/signals" }, body: submission,
                                                      field: "collection", relations: collection),
        "GET /v1/signals/{id}": Scenario(uri: { "/v1/signals/\($0.ids["signal"]!)" }, field: "signal", relations: signal),
        "POST /v1/signals/{id}/retract": Scenario(uri: { "/v1/signals/\($0.ids["signalToRetract"]!)/retract" }, field: "signal", relations: signal),
        "POST /v1/signals/{id}/confirm": Scenario(uri: { "/v1/signals/\($0.ids["signal"]!)/confirm" }, body: { _ in ["comment": "reviewed"] },
                                                  field: "signal", relations: signal),
        "GET /v1/signals/{id}/ledger": Scenario(uri: { "/v1/signals/\($0.ids["signal"]!)/ledger" }, field: "signal", relations: signal),
        "GET /v1/ledger": Scenario(uri: { _ in "/v1/ledger?by=origin" }),
        "POST /v1/designation-changes": Scenario(uri: { _ in "/v1/designation-changes" }, body: { _ in ["entity": "Cast entity"] }),
        "GET /v1/campaigns": Scenario(uri: { _ in "/v1/campaigns" }),
        "POST /v1/campaigns": Scenario(uri: { _ in "/v1/campaigns" }, body: { _ in PermissionCast.campaign }),
        "GET /v1/campaigns/{id}": Scenario(uri: { "/v1/campaigns/\($0.ids["campaign"]!)" }, field: "campaign", relations: own(.c)),
        "PUT /v1/campaigns/{id}": Scenario(uri: { "/v1/campaigns/\($0.ids["campaign"]!)" }, body: { _ in PermissionCast.campaign },
                                           field: "campaign", relations: own(.c)),
        "POST /v1/campaigns/{id}/withdraw": Scenario(uri: { "/v1/campaigns/\($0.ids["campaignToWithdraw"]!)/withdraw" }, field: "campaign",
                                                     relations: own(.c)),
        "POST /v1/campaigns/{id}/reach": Scenario(uri: { "/v1/campaigns/\($0.ids["campaign"]!)/reach" },
                                                  body: { _ in ["rows": [["week": "2026-W49", "country": "DE", "impressions": 40, "clicks": 2]]] }),
        "GET /v1/campaigns/{id}/reach": Scenario(uri: { "/v1/campaigns/\($0.ids["campaign"]!)/reach" }, field: "campaign", relations: own(.c)),
        "GET /v1/incidents/{id}/campaigns": Scenario(uri: { "/v1/incidents/\($0.ids["incident"]!)/campaigns" }, field: "incident",
                                                     relations: incident),
        "POST /v1/notices": Scenario(uri: { _ in "/v1/notices" }, body: { $0.notice(to: $0.id(.p)) }),
        "GET /v1/notices": Scenario(uri: { _ in "/v1/notices" }),
        "GET /v1/notices/{id}": Scenario(uri: { "/v1/notices/\($0.ids["notice"]!)" }, field: "notice", relations: notice),
        "POST /v1/notices/{id}/decision": Scenario(uri: { "/v1/notices/\($0.ids["notice"]!)/decision" },
                                                   body: { _ in ["action": "removed", "ground": "law", "explanation": "Removed"] },
                                                   field: "notice", relations: notice),
        "GET /v1/trusted-flaggers": Scenario(uri: { _ in "/v1/trusted-flaggers" }),
        "PUT /v1/trusted-flaggers/{id}": Scenario(uri: { "/v1/trusted-flaggers/\($0.id(.t))" },
                                                  body: { _ in ["awardingAuthority": "Coimisiún na Meán", "independence": "No platform funding"] }),
        "POST /v1/trusted-flaggers/{id}/suspension": Scenario(uri: { "/v1/trusted-flaggers/\($0.id(.t))/suspension" }, body: { _ in ["reason": "matrix"] }),
        "DELETE /v1/trusted-flaggers/{id}/suspension": Scenario(uri: { "/v1/trusted-flaggers/\($0.id(.t))/suspension" }),
        "GET /v1/trusted-flaggers/{id}/report": Scenario(uri: { "/v1/trusted-flaggers/\($0.id(.t))/report" }, field: "organisation", relations: own(.t)),
        "GET /v1/reports/network": Scenario(uri: { _ in "/v1/reports/network?public=true" }),
        "POST /v1/signals/{id}/feedback": Scenario(uri: { "/v1/signals/\($0.ids["signal"]!)/feedback" }, body: { _ in ["kind": "helpful"] },
                                                   field: "signal", relations: signal),
        "POST /v1/match": Scenario(uri: { _ in "/v1/match" }, body: submission),
        "GET /v1/match/counts": Scenario(uri: { _ in "/v1/match/counts" }),
        "GET /v1/feed": Scenario(uri: { "/v1/feed?collection=\($0.ids["collection"]!)" }, field: "collection", relations: collection),
        "GET /v1/feed/snapshot": Scenario(uri: { "/v1/feed/snapshot?collection=\($0.ids["collection"]!)" }, field: "collection",
                                          relations: collection),
        "GET /v1/feed/stream": Scenario(uri: { "/v1/feed/stream?collection=\($0.ids["collection"]!)" }, field: "collection",
                                        relations: collection),

        "POST /v1/referrals": Scenario(uri: { _ in "/v1/referrals" }, body: {
            ["platform": $0.id(.q), "urls": ["https://example.org/m/\(UUID())"], "statement": "Propaganda"]
        }),
        "POST /v1/orders": Scenario(uri: { _ in "/v1/orders" }, body: { _ in ["order": [:], "signingKey": UUID().uuidString, "signature": ""] }),
        "GET /v1/orders/{id}/proof": Scenario(uri: { "/v1/orders/\($0.ids["case"]!)/proof" }, field: "order", relations: caseParty),
        "GET /v1/dsa/statements": Scenario(uri: { _ in "/v1/dsa/statements" }),
        "GET /v1/audit/verify": Scenario(uri: { _ in "/v1/audit/verify" }),
        "GET /v1/audit/chain": Scenario(uri: { _ in "/v1/audit/chain" }),
        "GET /v1/cases": Scenario(uri: { _ in "/v1/cases" }),
        "GET /v1/cases/{id}": Scenario(uri: { "/v1/cases/\($0.ids["case"]!)" }, field: "case", relations: caseParty),
        "POST /v1/cases/{id}/actions": Scenario(uri: { "/v1/cases/\($0.ids["case"]!)/actions" }, body: { _ in ["action": "acknowledge"] },
                                                field: "case", relations: caseParty),
        "GET /v1/cases/{id}/checks": Scenario(uri: { "/v1/cases/\($0.ids["case"]!)/checks" }, field: "case", relations: caseParty),
        "POST /v1/cases/{id}/complaints": Scenario(uri: { "/v1/cases/\($0.ids["case"]!)/complaints" }, body: { _ in ["statement": "satire"] },
                                                   field: "case", relations: caseParty),
        "GET /v1/cases/{id}/complaints": Scenario(uri: { "/v1/cases/\($0.ids["case"]!)/complaints" }, field: "case", relations: caseParty),
        "POST /v1/complaints/{id}/decision": Scenario(uri: { "/v1/complaints/\($0.ids["complaint"]!)/decision" },
                                                      body: { _ in ["outcome": "upheld", "reasons": "x"] }, field: "complaint", relations: caseParty),
        "POST /v1/orders/{id}/scrutiny": Scenario(uri: { "/v1/orders/\($0.ids["case"]!)/scrutiny" }, body: { _ in ["reason": "x"] },
                                                  field: "order", relations: caseParty),
        "POST /v1/orders/{id}/scrutiny/decision": Scenario(uri: { "/v1/orders/\($0.ids["case"]!)/scrutiny/decision" },
                                                           body: { _ in ["outcome": "upheld", "reasons": "x"] }, field: "order", relations: caseParty),
        "POST /v1/cases/{id}/preservations": Scenario(uri: { "/v1/cases/\($0.ids["case"]!)/preservations" },
                                                      body: { _ in ["contentReference": "p-store/2"] }, field: "case", relations: caseParty),
        "GET /v1/cases/{id}/preservations": Scenario(uri: { "/v1/cases/\($0.ids["case"]!)/preservations" }, field: "case", relations: caseParty),
        "GET /v1/preservations/{id}/evidence": Scenario(uri: { "/v1/preservations/\($0.ids["preservation"]!)/evidence" },
                                                        field: "preservation", relations: caseParty),
        "POST /v1/preservations/{id}/legal-hold": Scenario(uri: { "/v1/preservations/\($0.ids["preservation"]!)/legal-hold" },
                                                           body: { _ in ["until": "2027-06-01T00:00:00Z"] }, field: "preservation",
                                                           relations: caseParty),
        "GET /v1/case-events": Scenario(uri: { _ in "/v1/case-events" }),
        "GET /v1/case-events/stream": Scenario(uri: { _ in "/v1/case-events/stream" }),
        "GET /v1/deconfliction": Scenario(uri: { _ in "/v1/deconfliction?url=https://example.org/x" }),
        "POST /v1/holds": Scenario(uri: { _ in "/v1/holds" }, body: { _ in ["url": "https://example.org/held/\(UUID())", "reason": "op Y"] }),
        "GET /v1/holds": Scenario(uri: { _ in "/v1/holds" }),
        "DELETE /v1/holds/{id}": Scenario(uri: { "/v1/holds/\($0.ids["hold"]!)" }, field: "hold", relations: own(.a)),
        "POST /v1/signing-keys": Scenario(uri: { _ in "/v1/signing-keys" }, body: { _ in ["publicKey": "c2hvcnQ="] }),
        "GET /v1/signing-keys": Scenario(uri: { _ in "/v1/signing-keys" }),
        "DELETE /v1/signing-keys/{id}": Scenario(uri: { "/v1/signing-keys/\($0.ids["signingKeyToRevoke"]!)" }, field: "signing key",
                                                 relations: own(.a)),
        "GET /v1/hub-key": Scenario(uri: { _ in "/v1/hub-key" }),
        "GET /v1/hub-keys": Scenario(uri: { _ in "/v1/hub-keys" }),
        "POST /v1/webhooks": Scenario(uri: { _ in "/v1/webhooks" }, body: { _ in ["url": "http://127.0.0.1:9/new"] }),
        "GET /v1/webhooks": Scenario(uri: { _ in "/v1/webhooks" }),
        "POST /v1/webhooks/{id}/test": Scenario(uri: { "/v1/webhooks/\($0.ids["webhook"]!)/test" }, field: "webhook", relations: own(.p)),
        "POST /v1/webhooks/{id}/deliveries/{delivery}/retry": Scenario(uri: { "/v1/webhooks/\($0.ids["webhook"]!)/deliveries/999999/retry" },
                                                                    field: "webhook", relations: own(.p)),
        "DELETE /v1/webhooks/{id}": Scenario(uri: { "/v1/webhooks/\($0.ids["webhookToRevoke"]!)" }, field: "webhook", relations: own(.p)),
        "GET /v1/webhooks/{id}/deliveries": Scenario(uri: { "/v1/webhooks/\($0.ids["webhook"]!)/deliveries" }, field: "webhook",
                                                     relations: own(.p)),
        "GET /v1/reports/transparency": Scenario(uri: { "/v1/reports/transparency?organisation=\($0.id(.p))" }, field: "organisation",
                                                 relations: own(.p)),

        "POST /v1/incidents": Scenario(uri: { _ in "/v1/incidents" }, body: { _ in IncidentTests.proposal() }),
        "GET /v1/incidents": Scenario(uri: { _ in "/v1/incidents" }),
        "GET /v1/incidents/{id}": Scenario(uri: { "/v1/incidents/\($0.ids["incident"]!)" }, field: "incident", relations: incident),
        "POST /v1/incidents/{id}/votes": Scenario(uri: { "/v1/incidents/\($0.ids["incident"]!)/votes" },
                                                  body: { _ in ["decision": "activate", "reason": "matrix"] }, field: "incident", relations: incident),
        "POST /v1/incidents/{id}/withdraw": Scenario(uri: { "/v1/incidents/\($0.ids["incidentToWithdraw"]!)/withdraw" },
                                                     body: { _ in ["reason": "matrix"] }, field: "incident", relations: incident),
        "DELETE /v1/incidents/{id}": Scenario(uri: { "/v1/incidents/\($0.ids["drill"]!)" }, field: "incident", relations: incident),
        "GET /v1/incidents/{id}/report": Scenario(uri: { "/v1/incidents/\($0.ids["incident"]!)/report" }, field: "incident", relations: incident),
        "GET /v1/incidents/{id}/picture": Scenario(uri: { "/v1/incidents/\($0.ids["incident"]!)/picture" }, field: "incident", relations: incident),
        "GET /v1/incident-events": Scenario(uri: { _ in "/v1/incident-events" }),
        "GET /v1/incident-events/stream": Scenario(uri: { _ in "/v1/incident-events/stream" }),
        "POST /v1/incidents/{id}/hashes": Scenario(uri: { "/v1/incidents/\($0.ids["incident"]!)/hashes" }, body: submission,
                                                   field: "incident", relations: incident),
        "POST /v1/incidents/{id}/urls": Scenario(uri: { "/v1/incidents/\($0.ids["incident"]!)/urls" },
                                                 body: { _ in ["url": "https://example.org/m/\(UUID())"] }, field: "incident", relations: incident),
        "GET /v1/incidents/{id}/urls": Scenario(uri: { "/v1/incidents/\($0.ids["incident"]!)/urls" }, field: "incident", relations: incident),
        "POST /v1/incidents/{id}/urls/{url}/referral": Scenario(
            uri: { "/v1/incidents/\($0.ids["incident"]!)/urls/\($0.ids["sharedURL"]!)/referral" },
            body: { ["platform": $0.id(.q), "statement": "Attack footage"] }, field: "incident", relations: incident),
        "POST /v1/incidents/{id}/matches": Scenario(uri: { "/v1/incidents/\($0.ids["incident"]!)/matches" }, body: { _ in ["matches": 3] },
                                                    field: "incident", relations: incident),
        "POST /v1/incidents/{id}/notes": Scenario(uri: { "/v1/incidents/\($0.ids["incident"]!)/notes" }, body: { _ in ["note": "seen"] },
                                                  field: "incident", relations: incident),
    ]

    @Test func everyRouteHasAUseCaseAndAScenario() async throws {
        let f = try await HubFixture.make()
        defer { Task { await f.close() } }
        let served = Set(f.hub.router().routes.map { route in
            let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            return "\(route.method.rawValue) /" + path.joined(separator: "/")
        }.filter { $0.contains(" /v1/") })
        #expect(Set(Hub.useCases.keys) == served, "without a use case: \(served.subtracting(Hub.useCases.keys))")
        #expect(Set(Self.scenarios.keys) == served, "without a scenario: \(served.subtracting(Self.scenarios.keys))")
    }

    @Test(arguments: Backend.allCases)
    func everyRouteAnswersEveryCallerAsThePermissionTableSays(_ backend: Backend) async throws {
        let f = try await HubFixture.make(backend, configuration: HubConfiguration(outboundPolicy: .loopbackAllowed))
        try await f.withServer { c in
            let cast = try await PermissionCast.make(f, c)
            // Refusals first, so the allowed calls that change things come after them.
            for route in Hub.useCases.keys.sorted() {
                let useCase = Hub.useCases[route]!
                let scenario = try #require(Self.scenarios[route], "no scenario for \(route)")
                let method = HTTPRequest.Method(String(route.split(separator: " ")[0]))!
                let ordered = cast.callers.sorted { Self.expectation(useCase, scenario, $0).isAllowed == false && Self.expectation(useCase, scenario, $1).isAllowed }
                for caller in ordered {
                    try await Self.check(route, method, useCase, scenario, caller, cast, c)
                }
            }
        }
    }

    /// What the table says this caller gets.
    static func expectation(_ useCase: UseCase, _ scenario: Scenario, _ caller: PermissionCast.Caller) -> Decision {
        guard !caller.unauthenticated, let kind = caller.kind, let role = caller.role, let member = caller.member else {
            return .refused(Refusal(field: "authorization", hidden: false, reason: "unauthenticated"))
        }
        let decisions = scenario.relations(member).map { PermissionTable.decide(useCase, kind: kind, role: role, relation: $0) }
        return decisions.contains(.allowed) ? .allowed : decisions[0]
    }

    static func check(_ route: String, _ method: HTTPRequest.Method, _ useCase: UseCase, _ scenario: Scenario,
                      _ caller: PermissionCast.Caller, _ cast: PermissionCast, _ c: HubClient) async throws {
        let uri = scenario.uri(cast)
        let label = "\(route) as \(caller)"
        let expected = expectation(useCase, scenario, caller)
        let before = expected.isAllowed ? [] : try await cast.fingerprint()
        let reply: HubClient.Reply
        if uri.contains("/stream") {
            let url = "http://127.0.0.1:\(c.port!)\(uri)"
            let headers = caller.key.map { [("Authorization", "Bearer \($0)")] } ?? []
            let (status, _) = try await EventStreamClient.collect(url: url, headers: headers, timeout: .seconds(1)) { _ in true }
            reply = HubClient.Reply(status: status, json: nil)
        } else if let body = scenario.body(cast) {
            reply = try await c.call(method, uri, key: caller.key, json: body)
        } else {
            reply = try await c.call(method, uri, key: caller.key)
        }
        switch expected {
        case .allowed:
            // The object may since be gone (a lifted hold, a purged drill) or in a state
            // that refuses the call (the case's state machine answers 403 for `action`),
            // but the permission check must not refuse it.
            let permissionFields = ["role", "organisation", "authorization", scenario.field]
            #expect(reply.status != 401 && reply.status < 500, "\(label): \(reply.status) \(reply.object)")
            #expect(reply.status != 403 || !permissionFields.contains(reply.error["field"] as? String ?? ""), "\(label): \(reply.object)")
        case .refused(let refusal) where refusal.field == "authorization":
            #expect(reply.status == 401, "\(label): \(reply.status)")
            #expect(try await cast.fingerprint() == before, "\(label) changed what is stored")
        case .refused(let refusal):
            let streamed = uri.contains("/stream")
            if refusal.hidden {
                #expect(reply.status == 404, "\(label): \(reply.status) \(reply.object)")
                if !streamed { #expect(reply.error["code"] as? String == "not-found" && reply.error["field"] as? String == scenario.field, "\(label): \(reply.object)") }
            } else {
                #expect(reply.status == 403, "\(label): \(reply.status) \(reply.object)")
                if !streamed {
                    #expect(reply.error["code"] as? String == "forbidden", "\(label): \(reply.object)")
                    #expect(reply.error["field"] as? String == (refusal.field == "object" ? scenario.field : refusal.field), "\(label): \(reply.object)")
                    #expect(reply.error["message"] as? String == refusal.reason, "\(label): \(reply.object)")
                }
            }
            #expect(try await cast.fingerprint() == before, "\(label) changed what is stored")
        }
    }
}

