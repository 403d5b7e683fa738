import Foundation
import Mustache

/// The pages' Mustache templates and assets, compiled into the binary (the EmbedText
/// plugin), so `cordon` serves its pages with nothing beside it on disk.
struct PageTemplates: Sendable {
    let library: MustacheLibrary

    /// Every template by name; a page template names `layout` as its parent and
    /// fragments (`desk-rows`, `case-summary`, `incident-live`) are partials of both a page
    /// and the live refreshes, so a page and its update render the same markup.
    static let sources: [String: String] = [
        "layout": EmbeddedFiles.layout_mustache, "login": EmbeddedFiles.login_mustache,
        "error": EmbeddedFiles.error_mustache, "overview": EmbeddedFiles.overview_mustache,
        "lists": EmbeddedFiles.lists_mustache, "list": EmbeddedFiles.list_mustache,
        "label-fields": EmbeddedFiles.label_fields_mustache, "signal": EmbeddedFiles.signal_mustache,
        "match": EmbeddedFiles.match_mustache, "desk": EmbeddedFiles.desk_mustache,
        "desk-rows": EmbeddedFiles.desk_rows_mustache, "case": EmbeddedFiles.case_mustache,
        "case-summary": EmbeddedFiles.case_summary_mustache, "crisis": EmbeddedFiles.crisis_mustache,
        "incident": EmbeddedFiles.incident_mustache, "incident-live": EmbeddedFiles.incident_live_mustache,
        "report": EmbeddedFiles.report_mustache, "admin": EmbeddedFiles.admin_mustache,
        "audit": EmbeddedFiles.audit_mustache, "transparency": EmbeddedFiles.transparency_mustache,
        "order-sign": EmbeddedFiles.order_sign_mustache, "import": EmbeddedFiles.import_mustache,
        "import-progress": EmbeddedFiles.import_progress_mustache,
        "review": EmbeddedFiles.review_mustache, "review-case": EmbeddedFiles.review_case_mustache,
        "notices": EmbeddedFiles.notices_mustache, "notice": EmbeddedFiles.notice_mustache,
        "campaigns": EmbeddedFiles.campaigns_mustache, "campaign": EmbeddedFiles.campaign_mustache,
        "safeguards": EmbeddedFiles.safeguards_mustache, "network-report": EmbeddedFiles.network_report_mustache,
        "public-transparency": EmbeddedFiles.public_transparency_mustache, "flagger-report": EmbeddedFiles.flagger_report_mustache,
    ]

    static let stylesheet = EmbeddedFiles.cordon_css
    static let script = EmbeddedFiles.cordon_js

    init() throws {
        var library = MustacheLibrary()
        for (name, text) in Self.sources {
            try library.register(text, named: name)
        }
        self.library = library
    }

    func render(_ name: String, _ data: [String: Any]) -> String {
        guard let html = library.render(data, withTemplate: name) else {
            preconditionFailure("no template named \(name)")
        }
        return html
    }
}
