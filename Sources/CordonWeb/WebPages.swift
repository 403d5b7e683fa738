import CordonDomain
import CordonHub
import CordonServices
import CordonStore
import Foundation
import HTTPTypes
import Hummingbird

/// The dashboard: HTML pages over ``HubServices`` for the people who use Cordon, served by
/// `cordon serve` beside the JSON API. Every page calls the same use cases the API does,
/// with the signed-in person's organisation and role as the caller; no rule lives here.
public struct WebPages: Sendable {
    /// How the pages are served.
    public struct Settings: Sendable {
        /// Mark cookies `Secure`: set when the hub is reached over TLS (directly or through
        /// a TLS-terminating proxy).
        public var secureCookies: Bool
        /// The largest form the pages read (uploads of images and videos).
        public var maxFormBytes: Int

        public init(secureCookies: Bool = false, maxFormBytes: Int = 256 << 20) {
            self.secureCookies = secureCookies
            self.maxFormBytes = maxFormBytes
        }
    }

    let services: HubServices
    let templates: PageTemplates
    let settings: Settings
    /// CSV imports running in the background.
    let imports = BulkImports()
    /// A mirror's review desk: the pages are then a mirror's (the review queue, its hash
    /// lists, matching, administration and audit), not a hub's.
    let review: MirrorDesk?

    public init(services: HubServices, settings: Settings = Settings(), review: MirrorDesk? = nil) throws {
        self.services = services
        self.settings = settings
        self.review = review
        templates = try PageTemplates()
    }

    static let sessionCookie = "cordon_session"
    /// Before sign-in there is no session: the sign-in form's token sits in this cookie too.
    static let signInCookie = "cordon_signin"

    /// Adds every page, its assets and its live streams to `router`.
    public func addRoutes(to router: Router<HubRequestContext>) {
        let open = router.group().add(middleware: PageHeaders()).add(middleware: PageErrors(pages: self))
        open.get("assets/cordon.css") { _, _ in Self.asset(PageTemplates.stylesheet, type: "text/css; charset=utf-8") }
        open.get("assets/cordon.js") { _, _ in Self.asset(PageTemplates.script, type: "text/javascript; charset=utf-8") }
        addSignInRoutes(to: open)
        if review == nil { addPublicRoutes(to: open) }
        // Errors behind the session render with it (the navigation, the sign-out button).
        let signedIn = open.add(middleware: SessionAuthenticator(services: services)).add(middleware: PageErrors(pages: self))
        if let review {
            addReviewRoutes(to: signedIn, desk: review)
        } else {
            addOverviewRoutes(to: signedIn)
            addDeskRoutes(to: signedIn)
            addCrisisRoutes(to: signedIn)
            addTransparencyRoutes(to: signedIn)
            addSafeguardRoutes(to: signedIn)
            addNoticeRoutes(to: signedIn)
            addCampaignRoutes(to: signedIn)
        }
        addListRoutes(to: signedIn)
        addMatchRoutes(to: signedIn)
        addAdminRoutes(to: signedIn)
        addAuditRoutes(to: signedIn)
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    // MARK: Rendering

    /// A whole page: `template` inside the layout, with the navigation the caller's role
    /// may use and the session's CSRF token.
    func page(_ template: String, title: String, _ data: [String: Any], context: HubRequestContext,
              status: HTTPResponse.Status = .ok, current: String? = nil) -> Response {
        var all = data
        all["title"] = title
        if let session = context.session {
            all["csrf"] = session.csrfToken
            all["user"] = [
                "name": session.userName, "organisation": session.caller.organisationName,
                "role": session.caller.role.rawValue, "kind": session.caller.kind.rawValue,
            ]
            all["nav"] = navigation(session.caller, current: current ?? title)
        }
        return html(templates.render(template, all), status: status)
    }

    /// A fragment (a partial alone), for the live parts of a page.
    func fragment(_ template: String, _ data: [String: Any]) -> Response {
        html(templates.render(template, data))
    }

    func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// 303 See Other: after a form, the browser asks for the page again with GET.
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    private func navigation(_ caller: Caller, current: String) -> [[String: Any]] {
        let items: [(String, String, UseCase?)] = review != nil ? [
            ("Review queue", "/review", .listReviewCases), ("Hash lists", "/lists", .listCollections), ("Match", "/match", .match),
            ("Administration", "/admin", .listKeys), ("Audit", "/audit", .readAudit),
        ] : [
            ("Overview", "/", nil), ("Hash lists", "/lists", .listCollections), ("Match", "/match", .match),
            ("Referral desk", "/desk", .listCases), ("Crisis room", "/crisis", .listIncidents),
            ("Notices", "/notices", .listNotices), ("Campaigns", "/campaigns", .listCampaigns), ("Safeguards", "/safeguards", .readLedger),
            ("Transparency", "/transparency", .readTransparency), ("Administration", "/admin", .listKeys),
            ("Audit", "/audit", .readAudit),
        ]
        return items.filter { may($0.2, caller) }.map { ["label": $0.0, "href": $0.1, "current": $0.0 == current] }
    }

    /// Whether a caller of this kind and role could ever do `useCase` (what the navigation
    /// and the forms offer; the use case itself decides).
    func may(_ useCase: UseCase?, _ caller: Caller) -> Bool {
        guard let useCase else { return true }
        return (try? services.mayAttempt(useCase, caller)) != nil
    }

    /// The signed-in caller and session; routes behind ``SessionAuthenticator`` have one.
    static func session(_ context: HubRequestContext) throws -> HubStore.SignedIn {
        guard let session = context.session else { throw ServiceError.unauthorized("sign in first") }
        return session
    }

    /// Reads a form and checks its CSRF token against the session's.
    func form(_ request: Request, _ context: HubRequestContext) async throws -> PageForm {
        let form = try await PageForm.read(request, limit: settings.maxFormBytes)
        try form.requireToken(try Self.session(context).csrfToken)
        return form
    }

    /// A form's use case: the form read and its token checked, `body` run as the signed-in
    /// caller; a refusal goes to `refused`, which shows the page again with the error.
    func submit(_ request: Request, _ context: HubRequestContext, _ body: (PageForm, Caller) async throws -> Response,
                refused: (ServiceError, PageForm) async throws -> Response) async throws -> Response {
        let form = try await form(request, context)
        let caller = try Self.session(context).caller
        do {
            return try await body(form, caller)
        } catch let error as ServiceError {
            return try await refused(error, form)
        }
    }

    /// `{"field": "message"}` for the template's `errors`; messages without a field the
    /// page shows go under `form`.
    static func errors(_ error: ServiceError, fields: Set<String>) -> [String: String] {
        let field = error.field.flatMap { name in fields.first { name == $0 || name.hasPrefix($0 + ".") || name.hasPrefix($0 + "[") } }
        return [field ?? "form": error.message]
    }
}
