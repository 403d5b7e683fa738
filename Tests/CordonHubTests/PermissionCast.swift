import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import Crypto
import Foundation
import HTTPTypes
import SQLKit
import Testing

/// Everyone the permission matrix calls as, and the objects it calls on, made over real
/// HTTP through a ``HubFixture``: the operator; a platform P (owner of collection C, on
/// the board with Q), an authority A, a referral unit R (writes C, issued case K to P), a trusted
/// flagger T (reads C), an oversight organisation X and a campaign partner C, each with an admin, a contributor
/// and a consumer key; P's auditor-role key; an unrelated platform Q; a suspended
/// platform S; and a revoked key of P.
struct PermissionCast {
    enum Member: String, CaseIterable, Sendable {
        case `operator`, p, a, r, t, x, q, s, c
    }

    struct Caller: Sendable, CustomStringConvertible {
        var name: String
        var member: Member?
        var kind: OrganisationKind?
        var role: Role?
        var key: String?
        /// Revoked, suspended, missing: every route answers 401.
        var unauthenticated: Bool
        var description: String { name }
    }

    let f: HubFixture
    var organisations: [Member: UUID] = [:]
    var callers: [Caller] = []
    var ids: [String: String] = [:]

    static func make(_ f: HubFixture, _ c: HubClient) async throws -> PermissionCast {
        var cast = PermissionCast(f: f)
        let kinds: [Member: OrganisationKind] = [.p: .platform, .a: .authority, .r: .referralUnit, .t: .trustedFlagger,
                                                 .x: .auditor, .q: .platform, .s: .platform, .c: .partner]
        cast.organisations[.operator] = try #require(UUID(uuidString: try await c.call(.get, "/v1/me", key: f.operatorKey)
            .object["organisation"].flatMap { ($0 as? [String: Any])?["id"] as? String } ?? ""))
        cast.callers.append(Caller(name: "operator", member: .operator, kind: .operator, role: .admin, key: f.operatorKey, unauthenticated: false))
        for member in Member.allCases where member != .operator {
            let kind = kinds[member]!
            let made = try await c.call(.post, "/v1/organisations", key: f.operatorKey,
                                        json: ["name": "Org \(member.rawValue)", "kind": kind.rawValue, "memberState": "DE"])
            #expect(made.status == 201, "\(made.object)")
            let id = try #require(made.object["id"] as? String)
            cast.organisations[member] = UUID(uuidString: id)
            let roles: [Role] = [.p, .a, .r, .t, .x, .c].contains(member) ? [.admin, .contributor, .consumer] + (member == .p ? [.auditor] : []) : [.admin]
            for role in roles {
                let key = try #require(try await c.call(.post, "/v1/organisations/\(id)/keys", key: f.operatorKey,
                                                        json: ["role": role.rawValue]).object["secret"] as? String)
                cast.callers.append(Caller(name: "\(member.rawValue) \(role.rawValue)", member: member, kind: kind, role: role, key: key,
                                           unauthenticated: member == .s))
            }
        }
        cast.callers.append(Caller(name: "no key", unauthenticated: true))
        cast.callers.append(Caller(name: "unknown key", key: "cdn_" + String(repeating: "0", count: 64), unauthenticated: true))
        try await cast.makeObjects(c)
        return cast
    }

    func key(_ member: Member, _ role: Role = .admin) -> String {
        callers.first { $0.member == member && $0.role == role }!.key!
    }

    func id(_ member: Member) -> String { organisations[member]!.uuidString }

    /// The objects each route acts on; those an allowed call destroys have one of their own.
    private mutating func makeObjects(_ c: HubClient) async throws {
        func object(_ method: HTTPRequest.Method, _ uri: String, _ key: String, _ json: Any = [String: Any](), field: String = "id") async throws -> String {
            let reply = try await c.call(method, uri, key: key, json: json)
            #expect((200..<300).contains(reply.status), "\(uri): \(reply.status) \(reply.object)")
            return try #require(reply.object[field].map { "\($0)" })
        }
        let p = key(.p), a = key(.a), r = key(.r)
        let collection = try await object(.post, "/v1/collections", p, ["name": "cast collection"])
        ids["collection"] = collection
        ids["spare"] = try await object(.post, "/v1/organisations", f.operatorKey, ["name": "Org spare", "kind": "platform"])
        for (member, access) in [(Member.r, "read-write"), (.t, "read")] {
            #expect(try await c.call(.put, "/v1/collections/\(collection)/members/\(id(member))", key: p, json: ["access": access]).status == 204)
        }
        func signal(_ value: String) async throws -> String {
            let reply = try await c.call(.post, "/v1/collections/\(collection)/signals", key: p, json: ["type": "pdq", "value": value])
            _ = try await c.call(.post, "/v1/collections/\(collection)/signals", key: r, json: ["type": "pdq", "value": value])
            return try #require((reply.object["results"] as? [[String: Any]])?.first?["id"].map { "\($0)" })
        }
        ids["signal"] = try await signal(String(repeating: "a1", count: 32))
        ids["signalToRetract"] = try await signal(String(repeating: "b2", count: 32))
        ids["keyToRevoke"] = try await object(.post, "/v1/organisations/\(id(.p))/keys", f.operatorKey, ["role": "consumer"])
        ids["case"] = try await object(.post, "/v1/referrals", r, ["platform": id(.p), "urls": ["https://example.org/cast/1"],
                                                                    "statement": "Recruitment video"])
        #expect(try await c.call(.post, "/v1/cases/\(ids["case"]!)/actions", key: p, json: ["action": "confirm-removal"]).status == 200)
        ids["complaint"] = try await object(.post, "/v1/cases/\(ids["case"]!)/complaints", p, ["statement": "It is satire."])
        ids["preservation"] = try await object(.post, "/v1/cases/\(ids["case"]!)/preservations", p,
                                               ["contentReference": "p-store/1", "evidence": Data("video".utf8).base64EncodedString()])
        ids["hold"] = try await object(.post, "/v1/holds", a, ["domain": "cast.example", "reason": "op X"])
        func publicKey() -> String { Curve25519.Signing.PrivateKey().publicKey.rawRepresentation.base64EncodedString() }
        ids["signingKey"] = try await object(.post, "/v1/signing-keys", a, ["publicKey": publicKey()])
        ids["signingKeyToRevoke"] = try await object(.post, "/v1/signing-keys", a, ["publicKey": publicKey()])
        ids["webhook"] = try await object(.post, "/v1/webhooks", p, ["url": "http://127.0.0.1:9/cast"])
        ids["webhookToRevoke"] = try await object(.post, "/v1/webhooks", p, ["url": "http://127.0.0.1:9/cast2"])
        for member in [Member.p, .q] {
            #expect(try await c.call(.put, "/v1/organisations/\(id(member))/board", key: f.operatorKey, json: ["seated": true]).status == 204)
        }
        ids["incident"] = try await object(.post, "/v1/incidents", r, IncidentTests.proposal())
        for member in [Member.p, .q] {
            _ = try await object(.post, "/v1/incidents/\(ids["incident"]!)/votes", key(member), ["decision": "activate", "reason": "cast"])
        }
        ids["incidentToWithdraw"] = try await object(.post, "/v1/incidents", r, IncidentTests.proposal())
        ids["drill"] = try await object(.post, "/v1/incidents", r, IncidentTests.proposal(drill: true))
        ids["sharedURL"] = try await object(.post, "/v1/incidents/\(ids["incident"]!)/urls", r, ["url": "https://example.org/cast/2"])
        ids["campaign"] = try await object(.post, "/v1/campaigns", key(.c), Self.campaign)
        #expect(try await c.call(.put, "/v1/trusted-flaggers/\(id(.t))", key: f.operatorKey,
                                 json: ["awardingAuthority": "Coimisiún na Meán", "independence": "No platform funding"]).status == 200)
        let notice = try await c.call(.post, "/v1/notices", key: key(.t), json: notice(to: id(.p)))
        ids["notice"] = try #require((notice.object["notice"] as? [String: Any])?["id"].map { "\($0)" }, "\(notice.object)")
        ids["campaignToWithdraw"] = try await object(.post, "/v1/campaigns", key(.c), Self.campaign)
        #expect(try await c.call(.post, "/v1/organisations/\(id(.s))/suspension", key: f.operatorKey, json: ["reason": "cast"]).status == 200)
        let revoked = try await object(.post, "/v1/organisations/\(id(.p))/keys", f.operatorKey, ["role": "admin"], field: "secret")
        let revokedID = try #require(try await c.call(.get, "/v1/me", key: revoked).object["keyID"] as? String)
        #expect(try await c.call(.delete, "/v1/keys/\(revokedID)", key: f.operatorKey).status == 204)
        callers.append(Caller(name: "revoked key", member: .p, key: revoked, unauthenticated: true))
    }

    /// A notice to `platform` with the four elements of DSA Art. 16(2).
    func notice(to platform: String) -> [String: Any] {
        ["platform": platform, "explanation": "Recruitment video of a listed group", "urls": ["https://example.org/cast/notice"],
         "notifierName": "Youth worker", "notifierEmail": "worker@example.org", "bonaFide": true, "categories": ["incitement"]]
    }

    /// A campaign as a partner describes it.
    nonisolated(unsafe) static let campaign: [String: Any] = [
        "name": "Exit", "goal": "Leave", "audience": "Young men", "message": "There is a way out", "messenger": "Former members",
        "media": "Short video", "callToAction": "Call us", "languages": ["de"], "labels": ["categories": ["incitement"]],
        "helpline": "+49 30 1234",
    ]

    /// Rows in every table a call could write: equal before and after a refused call.
    func fingerprint() async throws -> [Int] {
        let sql = f.database.database as! any SQLDatabase
        let tables = ["audit_log", "organisations", "api_keys", "memberships", "collections", "signals", "changes", "cases",
                      "case_events", "incidents", "incident_events", "webhooks", "holds", "signing_keys", "complaints", "preservations",
                      "feedback", "incident_votes", "incident_urls", "incident_matches", "webhook_deliveries", "campaigns", "campaign_reach",
                      "signal_reviews", "notices", "trusted_flaggers"]
        // One statement for every table: this runs twice per call of the matrix, thousands of times.
        let columns = tables.enumerated().map { "(SELECT COUNT(*) FROM \($1)) AS n\($0)" }.joined(separator: ", ")
        let row = try await sql.raw("SELECT \(unsafeRaw: columns)").first()
        return try tables.indices.map { try row?.decode(column: "n\($0)", as: Int.self) ?? -1 }
    }
}
