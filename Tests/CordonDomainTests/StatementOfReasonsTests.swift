import CordonDomain
import Foundation
import Testing

/// Statements of reasons fill the DSA Transparency Database's schema from the desk's
/// facts (source and automation flags derived, not typed), and say what it would refuse.
@Suite struct StatementOfReasonsTests {
    static func decision(_ kind: CaseKind = .referral, issuer: OrganisationKind = .referralUnit, action: RemovalAction = .removed,
                         image: Bool = true) -> StatementOfReasons.Decision {
        .init(caseID: UUID(uuidString: "8A1B2C3D-0000-4000-8000-000000000001")!, kind: kind, issuerKind: issuer, action: action,
              receivedAt: Date(timeIntervalSince1970: 1_780_000_000), decidedAt: Date(timeIntervalSince1970: 1_780_003_600),
              categories: [.incitement], hasImageHash: image, memberState: "DE")
    }

    @Test func aReferralIsJudgedAgainstTheTermsAndAnOrderAgainstTheRegulation() {
        let referral = StatementOfReasons(Self.decision())
        #expect(referral.decision_ground == "DECISION_GROUND_INCOMPATIBLE_CONTENT")
        #expect(referral.incompatible_content_ground != nil && referral.illegal_content_legal_ground == nil)
        #expect(referral.source_type == "SOURCE_TYPE_OTHER_NOTIFICATION")
        #expect(referral.puid == "cordon-case-8a1b2c3d-0000-4000-8000-000000000001")
        #expect(referral.content_date == "2026-05-28" && referral.application_date == "2026-05-28")
        #expect(referral.territorial_scope == ["DE"])
        #expect(referral.problems.isEmpty)

        let order = StatementOfReasons(Self.decision(.removalOrder, issuer: .authority, action: .disabled, image: false))
        #expect(order.decision_ground == "DECISION_GROUND_ILLEGAL_CONTENT")
        #expect(order.illegal_content_legal_ground?.contains("2021/784") == true)
        #expect(order.decision_visibility == ["DECISION_VISIBILITY_CONTENT_DISABLED"])
        #expect(order.content_type == ["CONTENT_TYPE_OTHER"] && order.content_type_other != nil)

        #expect(StatementOfReasons(Self.decision(issuer: .trustedFlagger)).source_type == "SOURCE_TRUSTED_FLAGGER")
    }

    @Test func whatTheDatabaseWouldRefuseIsNamedByField() {
        var statement = StatementOfReasons(Self.decision())
        statement.puid = "case/1"
        statement.decision_facts = String(repeating: "x", count: 5001)
        statement.application_date = "2019-12-31"
        #expect(statement.problems.map(\.field) == ["decision_facts", "puid", "application_date"])
    }
}
