import Foundation

/// A statement of reasons (DSA Art. 17) in the exact schema of the Commission's DSA
/// Transparency Database (`POST /api/v1/statements`, schema of 1 July 2025): keys, not
/// labels; `"Yes"`/`"No"` literals; the length limits; a PUID that is stable per
/// decision, so resubmitting is idempotent. No personal data: only the case's
/// reference, categories and outcome are used.
public struct StatementOfReasons: Codable, Sendable, Hashable {
    public var decision_visibility: [String]
    public var decision_ground: String
    public var illegal_content_legal_ground: String?
    public var illegal_content_explanation: String?
    public var incompatible_content_ground: String?
    public var incompatible_content_explanation: String?
    public var content_type: [String]
    public var content_type_other: String?
    public var category: String
    public var category_specification: [String]
    public var territorial_scope: [String]?
    public var content_date: String
    public var application_date: String
    public var decision_facts: String
    public var source_type: String
    public var automated_detection: String
    public var automated_decision: String
    public var puid: String

    /// One platform decision taken through the referral desk.
    public struct Decision: Sendable, Hashable {
        public var caseID: UUID
        public var kind: CaseKind
        /// Who sent it: a trusted flagger's notice is `SOURCE_TRUSTED_FLAGGER`.
        public var issuerKind: OrganisationKind
        public var action: RemovalAction
        public var receivedAt: Date
        public var decidedAt: Date
        public var categories: [ContentCategory]
        /// Whether the case named image hashes (PDQ): the content was an image.
        public var hasImageHash: Bool
        /// Where the restriction applies (the platform's member state, or none known).
        public var memberState: String?

        public init(caseID: UUID, kind: CaseKind, issuerKind: OrganisationKind, action: RemovalAction, receivedAt: Date,
                    decidedAt: Date, categories: [ContentCategory], hasImageHash: Bool, memberState: String?) {
            self.caseID = caseID
            self.kind = kind
            self.issuerKind = issuerKind
            self.action = action
            self.receivedAt = receivedAt
            self.decidedAt = decidedAt
            self.categories = categories
            self.hasImageHash = hasImageHash
            self.memberState = memberState
        }
    }

    /// The statement for a decision. A removal order's legal ground is Regulation (EU)
    /// 2021/784; a referral was judged against the platform's terms.
    public init(_ decision: Decision) {
        decision_visibility = [decision.action == .removed ? "DECISION_VISIBILITY_CONTENT_REMOVED" : "DECISION_VISIBILITY_CONTENT_DISABLED"]
        let kinds = decision.categories.map(\.rawValue).joined(separator: ", ")
        let what = "terrorist content within Art. 2(7) of Regulation (EU) 2021/784" + (kinds.isEmpty ? "" : " (\(kinds))")
        switch decision.kind {
        case .removalOrder:
            decision_ground = "DECISION_GROUND_ILLEGAL_CONTENT"
            illegal_content_legal_ground = "Regulation (EU) 2021/784, Article 3 (removal order)"
            illegal_content_explanation = "A competent authority's removal order identified the content as \(what)."
        case .referral:
            decision_ground = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
            incompatible_content_ground = "Terms of service: terrorist and violent extremist content"
            incompatible_content_explanation = "A referral identified the content as \(what); the platform found it incompatible with its terms."
        }
        content_type = [decision.hasImageHash ? "CONTENT_TYPE_IMAGE" : "CONTENT_TYPE_OTHER"]
        content_type_other = decision.hasImageHash ? nil : "Content identified by URL"
        category = "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY"
        category_specification = ["KEYWORD_TERRORIST_CONTENT"]
        territorial_scope = decision.memberState.map { [$0] }
        content_date = Self.day(decision.receivedAt)
        application_date = Self.day(decision.decidedAt)
        decision_facts = "The content was \(decision.action == .removed ? "removed" : "made inaccessible") after a "
            + (decision.kind == .removalOrder ? "removal order" : "referral") + " received through the Cordon referral desk."
        source_type = decision.issuerKind == .trustedFlagger ? "SOURCE_TRUSTED_FLAGGER" : "SOURCE_TYPE_OTHER_NOTIFICATION"
        automated_detection = "No"
        automated_decision = "AUTOMATED_DECISION_NOT_AUTOMATED"
        puid = "cordon-case-" + decision.caseID.uuidString.lowercased()
    }

    /// The problems the Transparency Database would refuse it for, by field (none when valid).
    public var problems: [FieldError] {
        var problems: [FieldError] = []
        func limit(_ field: String, _ value: String?, _ max: Int) {
            if let value, value.count > max { problems.append(FieldError(field: field, message: "at most \(max) characters")) }
        }
        limit("illegal_content_legal_ground", illegal_content_legal_ground, 500)
        limit("illegal_content_explanation", illegal_content_explanation, 2000)
        limit("incompatible_content_ground", incompatible_content_ground, 500)
        limit("incompatible_content_explanation", incompatible_content_explanation, 2000)
        limit("content_type_other", content_type_other, 500)
        limit("decision_facts", decision_facts, 5000)
        limit("puid", puid, 500)
        if puid.isEmpty || !puid.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }) {
            problems.append(FieldError(field: "puid", message: "letters, digits, '-' and '_' only"))
        }
        if content_date < "2000-01-01" || content_date > "2038-01-01" {
            problems.append(FieldError(field: "content_date", message: "between 2000-01-01 and 2038-01-01"))
        }
        if application_date < "2020-01-01" {
            problems.append(FieldError(field: "application_date", message: "on or after 2020-01-01"))
        }
        return problems
    }

    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}
