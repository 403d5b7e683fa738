import Foundation

extension StatementOfReasons {
    /// One removal a small platform's moderator (or an automatic rule) took on a mirror's
    /// review case: an upload that matched hashes shared through the hub.
    public struct HashMatchDecision: Sendable, Hashable {
        /// The platform the mirror serves, so PUIDs differ between mirrors.
        public var platformID: UUID
        public var caseID: Int
        public var uploadedAt: Date
        public var decidedAt: Date
        public var categories: [ContentCategory]
        /// Whether the upload was matched by its PDQ hash (an image).
        public var isImage: Bool
        public var automated: Bool

        public init(platformID: UUID, caseID: Int, uploadedAt: Date, decidedAt: Date, categories: [ContentCategory],
                    isImage: Bool, automated: Bool) {
            self.platformID = platformID
            self.caseID = caseID
            self.uploadedAt = uploadedAt
            self.decidedAt = decidedAt
            self.categories = categories
            self.isImage = isImage
            self.automated = automated
        }
    }

    /// The statement for a removal on a hash match: judged against the platform's terms,
    /// found by automated detection (the hash list), decided by a person unless a rule did.
    public init(_ decision: HashMatchDecision) {
        decision_visibility = ["DECISION_VISIBILITY_CONTENT_REMOVED"]
        decision_ground = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
        incompatible_content_ground = "Terms of service: terrorist and violent extremist content"
        let kinds = decision.categories.map(\.rawValue).joined(separator: ", ")
        incompatible_content_explanation = "The upload matched hashes of terrorist content shared between platforms"
            + (kinds.isEmpty ? "" : " (\(kinds))") + "; the platform found it incompatible with its terms."
        content_type = [decision.isImage ? "CONTENT_TYPE_IMAGE" : "CONTENT_TYPE_OTHER"]
        content_type_other = decision.isImage ? nil : "Media identified by its file digest"
        category = "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY"
        category_specification = ["KEYWORD_TERRORIST_CONTENT"]
        territorial_scope = nil
        content_date = Self.day(decision.uploadedAt)
        application_date = Self.day(decision.decidedAt)
        decision_facts = "The upload matched a hash list shared through Cordon and was removed "
            + (decision.automated ? "by an automatic rule for that list." : "after review by a moderator.")
        source_type = "SOURCE_VOLUNTARY"
        automated_detection = "Yes"
        automated_decision = decision.automated ? "AUTOMATED_DECISION_FULLY" : "AUTOMATED_DECISION_NOT_AUTOMATED"
        puid = "cordon-review-" + decision.platformID.uuidString.lowercased().prefix(8) + "-\(decision.caseID)"
    }
}
