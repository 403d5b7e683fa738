import CordonDomain
import Foundation
import Testing

/// The permission table and the document generated from it.
@Suite struct PermissionTableTests {
    @Test func theCommittedDocumentIsTheGeneratedOne() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/permissions.md")
        let committed = try String(contentsOf: file, encoding: .utf8)
        #expect(committed == PermissionsDocument.markdown(), "run `cordon admin permissions > docs/permissions.md`")
    }

    @Test func onlyTheOperatorRulesTheHub() {
        for useCase in [UseCase.createOrganisation, .updateOrganisation, .suspendOrganisation, .seatBoard] {
            for kind in OrganisationKind.members {
                #expect(!PermissionTable.decide(useCase, kind: kind, role: .admin).isAllowed, "\(useCase) by \(kind)")
            }
            #expect(PermissionTable.decide(useCase, kind: .operator, role: .admin).isAllowed)
        }
        // An admin manages its own keys only; another organisation's are refused, not hidden.
        #expect(PermissionTable.decide(.createKey, kind: .platform, role: .admin, relation: .own).isAllowed)
        #expect(PermissionTable.decide(.createKey, kind: .platform, role: .admin, relation: .unrelated)
            == .refused(Refusal(field: "object", hidden: false,
                                reason: "creating API keys needs an admin key of the operator; or an admin key of any member or partner (own); your organisation is unrelated to it")))
    }

    @Test func aWriterRetractsOnlyItsOwnContributionAndAuditorsObserve() {
        #expect(!PermissionTable.decide(.retractSignal, kind: .platform, role: .contributor, relation: .memberWrite).isAllowed)
        #expect(PermissionTable.decide(.retractSignal, kind: .platform, role: .contributor, relation: .contributor).isAllowed)
        #expect(PermissionTable.decide(.retractSignal, kind: .platform, role: .contributor, relation: .owner).isAllowed)
        #expect(!PermissionTable.decide(.contributeToIncident, kind: .auditor, role: .admin, relation: .audience).isAllowed)
        // A non-member learns nothing of a collection: not found.
        guard case .refused(let refusal) = PermissionTable.decide(.readSignal, kind: .platform, role: .consumer, relation: .unrelated)
        else { Issue.record("allowed"); return }
        #expect(refusal.hidden)
    }

    @Test func everyUseCaseHasAGrantAndEveryGrantNamesItsRelations() {
        for useCase in UseCase.allCases {
            #expect(!PermissionTable.grants(useCase).isEmpty, "\(useCase)")
            #expect(PermissionTable.relations(useCase).first == .unrelated)
        }
    }
}

@Suite struct PartnerPermissionTests {
    /// A campaign partner manages its own keys and nothing of the hash-sharing network.
    @Test func aPartnerSharesNoHashesAndSeesNoCases() {
        #expect(PermissionTable.decide(.createKey, kind: .partner, role: .admin, relation: .own).isAllowed)
        for useCase: UseCase in [.match, .submitSignals, .listCases, .listCollections, .readFeed, .listIncidents] {
            #expect(!PermissionTable.decide(useCase, kind: .partner, role: .admin).isAllowed, "\(useCase)")
        }
    }
}
