import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import Foundation
import HTTPTypes
import Hummingbird

/// Administration: an organisation's keys and people; for the operator, organisations and
/// their suspension.
extension WebPages {
    func addAdminRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("admin") { _, context in try await adminPage(context: context) }
        router.post("admin/keys") { request, context in
            let form = try await form(request, context)
            let caller = try Self.session(context).caller
            do {
                let key = try await services.createKey(
                    for: caller.organisationID,
                    try Self.decode(API.NewKey.self, ["role": form["role"] ?? "", "label": form["label"] ?? ""]), by: caller)
                return try await adminPage(context: context, newSecret: key.secret)
            } catch let error as ServiceError {
                return try await adminPage(context: context, errors: Self.errors(error, fields: ["label", "role"]).mapKeys { $0 == "role" ? "label" : $0 },
                                           status: error.status)
            }
        }
        router.post("admin/keys/:id/revoke") { request, context in
            _ = try await form(request, context)
            try await services.revokeKey(try Self.uuid(context, "id"), by: try Self.session(context).caller)
            return Self.redirect("/admin")
        }
        router.post("admin/users") { request, context in
            let form = try await form(request, context)
            let caller = try Self.session(context).caller
            do {
                let user = try await services.createUser(
                    in: caller.organisationID,
                    try Self.decode(API.NewUser.self, ["name": form["name"] ?? "", "email": form["email"] ?? "",
                                                       "password": form.all("password").first ?? "", "role": form["role"] ?? "",
                                                       "secondFactor": form["secondFactor"] == "true"]),
                    by: caller)
                return try await adminPage(context: context, newTOTP: user.totpSecret)
            } catch let error as ServiceError {
                var echo = form.echo
                echo["password"] = nil
                return try await adminPage(context: context, form: echo, errors: Self.errors(error, fields: ["name", "email", "password", "role"]),
                                           status: error.status)
            }
        }
        router.post("admin/users/:id/disable") { request, context in
            _ = try await form(request, context)
            try await services.disableUser(try Self.uuid(context, "id"), by: try Self.session(context).caller)
            return Self.redirect("/admin")
        }
        router.post("admin/signing-keys") { request, context in
            let form = try await form(request, context)
            do {
                _ = try await services.registerSigningKey(try Self.decode(API.SigningKeyIn.self, ["publicKey": form["publicKey"] ?? ""]),
                                                          by: try Self.session(context).caller)
                return Self.redirect("/admin")
            } catch let error as ServiceError {
                return try await adminPage(context: context, errors: ["publicKey": error.message], status: error.status)
            }
        }
        router.post("admin/signing-keys/:id/revoke") { request, context in
            _ = try await form(request, context)
            try await services.revokeSigningKey(try Self.uuid(context, "id"), by: try Self.session(context).caller)
            return Self.redirect("/admin")
        }
        router.post("admin/webhooks") { request, context in
            let form = try await form(request, context)
            do {
                let hook = try await services.createWebhook(try Self.decode(API.WebhookIn.self, ["url": form["url"] ?? ""]),
                                                            by: try Self.session(context).caller)
                return try await adminPage(context: context, newHookSecret: hook.secret)
            } catch let error as ServiceError {
                return try await adminPage(context: context, errors: ["url": error.message], status: error.status)
            }
        }
        router.post("admin/webhooks/:id/revoke") { request, context in
            _ = try await form(request, context)
            try await services.revokeWebhook(try Self.uuid(context, "id"), by: try Self.session(context).caller)
            return Self.redirect("/admin")
        }
        router.post("admin/organisations") { request, context in
            let form = try await form(request, context)
            let caller = try Self.session(context).caller
            do {
                var fields: [String: Any] = ["name": form["name"] ?? "", "kind": form["kind"] ?? ""]
                if let state = form["memberState"] { fields["memberState"] = state }
                _ = try await services.createOrganisation(try Self.decode(API.NewOrganisation.self, fields), by: caller)
                return Self.redirect("/admin")
            } catch let error as ServiceError {
                return try await adminPage(context: context, errors: ["organisation": error.description], status: error.status)
            }
        }
        router.post("admin/organisations/:id/suspend") { request, context in
            let form = try await form(request, context)
            let id = try Self.uuid(context, "id")
            do {
                _ = try await services.suspend(id, try Self.decode(API.SuspensionIn.self, ["reason": form["reason"] ?? ""]),
                                               by: try Self.session(context).caller)
                return Self.redirect("/admin")
            } catch let error as ServiceError {
                return try await adminPage(context: context, errors: ["organisation": error.description], status: error.status)
            }
        }
        router.post("admin/organisations/:id/board") { request, context in
            let form = try await form(request, context)
            do {
                try await services.seatBoard(try Self.uuid(context, "id"), try Self.decode(API.BoardSeat.self, ["seated": form["seated"] == "true"]),
                                             by: try Self.session(context).caller)
                return Self.redirect("/admin")
            } catch let error as ServiceError {
                return try await adminPage(context: context, errors: ["organisation": error.description], status: error.status)
            }
        }
        router.post("admin/organisations/:id/reinstate") { request, context in
            _ = try await form(request, context)
            _ = try await services.reinstate(try Self.uuid(context, "id"), by: try Self.session(context).caller)
            return Self.redirect("/admin")
        }
    }

    private func adminPage(context: HubRequestContext, newSecret: String? = nil, newTOTP: String? = nil, newHookSecret: String? = nil,
                           form: [String: String] = [:], errors: [String: String] = [:],
                           status: HTTPResponse.Status = .ok) async throws -> Response {
        let caller = try Self.session(context).caller
        let keys = try await services.keys(of: caller.organisationID, by: caller)
        let users = try await services.users(of: caller.organisationID, by: caller)
        var data: [String: Any] = [
            "organisation": caller.organisationName,
            "keys": keys.map { ["id": $0.id.uuidString, "label": $0.label, "role": $0.role.rawValue,
                                "createdAt": PageValues.time($0.createdAt), "revokedAt": $0.revokedAt != nil] as [String: Any] },
            "hasKeys": !keys.isEmpty,
            "users": users.map { ["id": $0.id.uuidString, "name": $0.name, "email": $0.email, "role": $0.role.rawValue,
                                  "secondFactor": $0.secondFactor, "disabledAt": $0.disabledAt != nil] as [String: Any] },
            "hasUsers": !users.isEmpty,
            "roles": Role.allCases.map(\.rawValue),
            "newSecret": newSecret ?? false, "newTOTP": newTOTP ?? false, "form": form, "errors": errors,
        ]
        data["newHookSecret"] = newHookSecret ?? false
        if may(.registerSigningKey, caller) {
            let keys = try await services.signingKeys(of: caller.organisationID, by: caller)
            data["maySign"] = true
            data["hasSigningKeys"] = !keys.isEmpty
            data["signingKeys"] = keys.map { ["id": $0.id.uuidString, "publicKey": $0.publicKey, "createdAt": PageValues.time($0.createdAt),
                                              "revokedAt": $0.revokedAt != nil] as [String: Any] }
        }
        if may(.listWebhooks, caller) {
            var hooks: [[String: Any]] = []
            for hook in try await services.webhooks(by: caller) {
                let deliveries = try await services.deliveries(of: hook.id, state: nil, limit: 20, by: caller)
                hooks.append(["id": hook.id.uuidString, "url": hook.url, "events": hook.events.joined(separator: ", "),
                              "hasDeliveries": !deliveries.isEmpty,
                              "deliveries": deliveries.map { ["event": $0.event, "state": $0.state, "attempts": $0.attempts,
                                                              "lastError": $0.lastError ?? "", "deliveredAt": PageValues.time($0.deliveredAt)] as [String: Any] }])
            }
            data["mayHooks"] = true
            data["hasHooks"] = !hooks.isEmpty
            data["hooks"] = hooks
        }
        if caller.kind == .operator {
            data["isOperator"] = true
            data["organisations"] = try await services.organisations(caller).map {
                ["id": $0.id.uuidString, "name": $0.name, "kind": $0.kind.rawValue, "memberState": $0.memberState ?? "",
                 "suspendedAt": $0.suspendedAt != nil, "board": $0.board, "isSelf": $0.id == caller.organisationID] as [String: Any]
            }
            data["kinds"] = OrganisationKind.allCases.filter { $0 != .operator }.map(\.rawValue)
        }
        return page("admin", title: "Administration", data, context: context, status: status)
    }
}
