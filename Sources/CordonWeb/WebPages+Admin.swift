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
        /// A use case on the object named in the path, then the page again.
        func action(_ path: String, field: String = "organisation",
                    _ body: @escaping @Sendable (UUID, PageForm, Caller) async throws -> Void) {
            router.post(RouterPath(path)) { request, context in
                let id = try Self.uuid(context, "id")
                return try await submit(request, context) { form, caller in
                    try await body(id, form, caller)
                    return Self.redirect("/admin")
                } refused: { error, _ in try await refused(error, context: context, field: field) }
            }
        }
        router.post("admin/keys") { request, context in
            try await submit(request, context) { form, caller in
                let key = try await services.createKey(
                    for: caller.organisationID, try Self.decode(API.NewKey.self, ["role": form["role"] ?? "", "label": form["label"] ?? ""]),
                    by: caller)
                return try await adminPage(context: context, newSecret: key.secret)
            } refused: { error, _ in try await refused(error, context: context, field: "label") }
        }
        router.post("admin/users") { request, context in
            try await submit(request, context) { form, caller in
                let user = try await services.createUser(
                    in: caller.organisationID,
                    try Self.decode(API.NewUser.self, ["name": form["name"] ?? "", "email": form["email"] ?? "",
                                                       "password": form.all("password").first ?? "", "role": form["role"] ?? "",
                                                       "secondFactor": form["secondFactor"] == "true"]),
                    by: caller)
                return try await adminPage(context: context, newTOTP: user.totpSecret)
            } refused: { error, form in
                var echo = form.echo
                echo["password"] = nil
                return try await adminPage(context: context, form: echo, errors: Self.errors(error, fields: ["name", "email", "password", "role"]),
                                           status: error.status)
            }
        }
        router.post("admin/signing-keys") { request, context in
            try await submit(request, context) { form, caller in
                _ = try await services.registerSigningKey(try Self.decode(API.SigningKeyIn.self, ["publicKey": form["publicKey"] ?? ""]), by: caller)
                return Self.redirect("/admin")
            } refused: { error, _ in try await refused(error, context: context, field: "publicKey") }
        }
        router.post("admin/webhooks") { request, context in
            try await submit(request, context) { form, caller in
                let hook = try await services.createWebhook(try Self.decode(API.WebhookIn.self, ["url": form["url"] ?? ""]), by: caller)
                return try await adminPage(context: context, newHookSecret: hook.secret)
            } refused: { error, _ in try await refused(error, context: context, field: "url") }
        }
        router.post("admin/organisations") { request, context in
            try await submit(request, context) { form, caller in
                var fields: [String: Any] = ["name": form["name"] ?? "", "kind": form["kind"] ?? ""]
                if let state = form["memberState"] { fields["memberState"] = state }
                _ = try await services.createOrganisation(try Self.decode(API.NewOrganisation.self, fields), by: caller)
                return Self.redirect("/admin")
            } refused: { error, _ in try await refused(error, context: context, field: "organisation") }
        }
        action("admin/keys/:id/revoke", field: "label") { id, _, caller in try await services.revokeKey(id, by: caller) }
        action("admin/users/:id/disable", field: "name") { id, _, caller in try await services.disableUser(id, by: caller) }
        action("admin/signing-keys/:id/revoke", field: "publicKey") { id, _, caller in try await services.revokeSigningKey(id, by: caller) }
        action("admin/webhooks/:id/revoke", field: "url") { id, _, caller in try await services.revokeWebhook(id, by: caller) }
        action("admin/webhooks/:id/test", field: "url") { id, _, caller in _ = try await services.testWebhook(id, by: caller) }
        action("admin/webhooks/:id/retry", field: "url") { id, form, caller in
            guard let delivery = form["delivery"].flatMap(Int.init) else { throw ServiceError.invalid("delivery", "name the delivery to send again") }
            _ = try await services.retryDelivery(delivery, of: id, by: caller)
        }
        action("admin/organisations/:id/suspend") { id, form, caller in
            _ = try await services.suspend(id, try Self.decode(API.SuspensionIn.self, ["reason": form["reason"] ?? ""]), by: caller)
        }
        action("admin/organisations/:id/reinstate") { id, _, caller in _ = try await services.reinstate(id, by: caller) }
        action("admin/organisations/:id/board") { id, form, caller in
            try await services.seatBoard(id, try Self.decode(API.BoardSeat.self, ["seated": form["seated"] == "true"]), by: caller)
        }
    }

    /// The page again, with the refusal by `field`.
    private func refused(_ error: ServiceError, context: HubRequestContext, field: String) async throws -> Response {
        try await adminPage(context: context, errors: [field: error.message], status: error.status)
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
                              "deliveries": deliveries.map { ["deliveryID": $0.id, "event": $0.event, "state": $0.state, "attempts": $0.attempts,
                                                              "dead": $0.state == "dead",
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
