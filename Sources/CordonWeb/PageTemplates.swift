import Foundation
import Mustache

/// The pages' Mustache templates and assets, compiled into the binary (SwiftPM's
/// `embedInCode`), so `cordon` serves its pages with nothing beside it on disk.
struct PageTemplates: Sendable {
    let library: MustacheLibrary

    /// Every template by name; a page template names `layout` as its parent and
    /// fragments (`desk-rows`, `case-summary`, `incident-live`) are partials of both a page
    /// and the live refreshes, so a page and its update render the same markup.
    static let sources: [String: [UInt8]] = [
        "layout": PackageResources.layout_mustache, "login": PackageResources.login_mustache,
        "error": PackageResources.error_mustache, "overview": PackageResources.overview_mustache,
        "lists": PackageResources.lists_mustache, "list": PackageResources.list_mustache,
        "label-fields": PackageResources.label_fields_mustache, "signal": PackageResources.signal_mustache,
        "match": PackageResources.match_mustache, "desk": PackageResources.desk_mustache,
        "desk-rows": PackageResources.desk_rows_mustache, "case": PackageResources.case_mustache,
        "case-summary": PackageResources.case_summary_mustache, "crisis": PackageResources.crisis_mustache,
        "incident": PackageResources.incident_mustache, "incident-live": PackageResources.incident_live_mustache,
        "report": PackageResources.report_mustache, "admin": PackageResources.admin_mustache,
        "audit": PackageResources.audit_mustache, "transparency": PackageResources.transparency_mustache,
        "order-sign": PackageResources.order_sign_mustache, "import": PackageResources.import_mustache,
        "import-progress": PackageResources.import_progress_mustache,
        "review": PackageResources.review_mustache, "review-case": PackageResources.review_case_mustache,
        "notices": PackageResources.notices_mustache, "notice": PackageResources.notice_mustache,
        "campaigns": PackageResources.campaigns_mustache, "campaign": PackageResources.campaign_mustache,
        "safeguards": PackageResources.safeguards_mustache, "network-report": PackageResources.network_report_mustache,
        "public-transparency": PackageResources.public_transparency_mustache, "flagger-report": PackageResources.flagger_report_mustache,
    ]

    static let stylesheet = PackageResources.cordon_css
    static let script = PackageResources.cordon_js

    init() throws {
        var library = MustacheLibrary()
        for (name, bytes) in Self.sources {
            try library.register(String(decoding: bytes, as: UTF8.self), named: name)
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
