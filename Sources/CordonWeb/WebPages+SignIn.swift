import CordonHub
import CordonServices
import CordonStore
import Foundation
import HTTPTypes
import Hummingbird

/// Signing in and out.
extension WebPages {
    func addSignInRoutes(to router: RouterGroup<HubRequestContext>) {
        router.get("login") { request, context in
            signInPage(next: request.query("next"), email: nil, errors: [:], context: context)
        }
        router.post("login") { request, context in
            let form = try await PageForm.read(request, limit: 64 << 10)
            guard let expected = request.cookies[Self.signInCookie]?.value else {
                return signInPage(next: form["next"], email: form["email"],
                                  errors: ["form": "your browser did not send the sign-in cookie; allow cookies for this site and try again"],
                                  context: context, status: .forbidden)
            }
            do {
                try form.requireToken(expected)
                let (token, _) = try await services.signIn(
                    email: form["email"] ?? "", password: form.all("password").first ?? "", code: form["code"],
                    from: context.peerAddress ?? "unknown", secondFactor: TOTPCheck())
                var response = Self.redirect(Self.safeNext(form["next"]))
                response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.sessionCookie, token,
                                                  maxAge: Int(services.configuration.sessions.absoluteTimeout))))
                response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.signInCookie, "", maxAge: 0)))
                return response
            } catch let error as ServiceError {
                return signInPage(next: form["next"], email: form["email"],
                                  errors: Self.errors(error, fields: ["email", "password", "code"]), context: context,
                                  status: error.status)
            }
        }
        router.post("logout") { request, context in
            // Signing out needs the session's own token, so no other site can sign a person out.
            guard let token = request.cookies[Self.sessionCookie]?.value, let session = try await services.session(token: token) else {
                return Self.redirect("/login")
            }
            let form = try await PageForm.read(request, limit: 64 << 10)
            try form.requireToken(session.csrfToken)
            try await services.signOut(token: token, by: session.caller)
            var response = Self.redirect("/login")
            response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.sessionCookie, "", maxAge: 0)))
            return response
        }
    }

    private func signInPage(next: String?, email: String?, errors: [String: String], context: HubRequestContext,
                            status: HTTPResponse.Status = .ok) -> Response {
        let token = HubStore.newSecret(prefix: "", bytes: 24)
        var response = page("login", title: "Sign in", ["next": Self.safeNext(next), "email": email ?? "", "errors": errors,
                                                        "csrf": token], context: context, status: status)
        response.headers.append(HTTPField(name: .setCookie, value: cookie(Self.signInCookie, token, maxAge: 3600)))
        return response
    }

    /// `Set-Cookie`: HttpOnly, SameSite=Strict, the whole site, Secure when so configured.
    func cookie(_ name: String, _ value: String, maxAge: Int) -> String {
        "\(name)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (settings.secureCookies ? "; Secure" : "")
    }

    /// Only a path on this site: never another origin (`//evil.example` or `https://…`).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\") else { return "/" }
        return next
    }
}
