import CordonDomain
import Foundation
import Testing

@Suite struct IncidentRulesTests {
    let met = IncidentCriteria(ongoingOrRecentAttack: true, perpetratorProducedViolentContent: true, presentOnMemberPlatforms: true)

    @Test func noOrganisationDecidesAlone() throws {
        #expect(throws: RuleError.self) { try CrisisRules(quorum: 1) }
        let rules = try CrisisRules(quorum: 3)
        let (a, b, c) = (UUID(), UUID(), UUID())
        #expect(try IncidentBoard.vote(.activate, by: a, state: .proposed, criteria: met, votes: [], rules: rules) == nil)
        #expect(try IncidentBoard.vote(.activate, by: b, state: .proposed, criteria: met, votes: [a], rules: rules) == nil)
        #expect(try IncidentBoard.vote(.activate, by: c, state: .proposed, criteria: met, votes: [a, b], rules: rules) == .active)
        #expect(throws: RuleError.conflict("decision", "your organisation has already voted to activate this incident; another board member must vote")) {
            try IncidentBoard.vote(.activate, by: a, state: .proposed, criteria: met, votes: [a, b], rules: rules)
        }
        #expect(try IncidentBoard.vote(.conclude, by: c, state: .active, criteria: met, votes: [a, b], rules: rules) == .concluded)
    }

    @Test func activationNeedsEveryCriterionAndTheRightState() throws {
        var partial = met
        partial.presentOnMemberPlatforms = false
        #expect(partial.missing == ["presentOnMemberPlatforms"])
        let error = #expect(throws: RuleError.self) {
            try IncidentBoard.vote(.activate, by: UUID(), state: .proposed, criteria: partial, votes: [UUID()], rules: .standard)
        }
        #expect(error?.field == "criteria")
        for (decision, state) in [(BoardDecision.activate, IncidentState.active), (.conclude, .proposed), (.activate, .withdrawn)] {
            #expect(throws: RuleError.self) { try IncidentBoard.vote(decision, by: UUID(), state: state, criteria: met, votes: [], rules: .standard) }
        }
    }

    @Test func thePictureCountsVariantsHoursAndMilestones() throws {
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        let org = UUID()
        let base = String(repeating: "a5", count: 32)
        let near = "5a" + String(repeating: "a5", count: 31)  // 8 bits away: the same variant
        let far = String(repeating: "0f", count: 32)
        let hashes = [(base, 60.0), (near, 120.0), (far, 4000.0)].map { IncidentPicture.Hash(at: start.addingTimeInterval($0.1), type: "pdq", value: $0.0, organisation: org) }
            + [IncidentPicture.Hash(at: start.addingTimeInterval(30), type: "md5", value: String(repeating: "0", count: 32), organisation: UUID())]
        let platform = UUID()
        let picture = IncidentPicture(
            activatedAt: start, hashes: hashes,
            reports: [.init(platform: platform, hour: start.addingTimeInterval(100), matches: 5), .init(platform: platform, hour: start.addingTimeInterval(200), matches: 7)],
            urls: [.init(at: start.addingTimeInterval(500), state: "removed"), .init(at: start.addingTimeInterval(900), state: "shared")])
        #expect(picture.hashes == 4 && picture.contributors == 2 && picture.variants == 3)
        #expect(picture.matches == 12 && picture.matchesPerPlatformPerHour.count == 1 && picture.matchesPerPlatformPerHour[0].matches == 12)
        #expect(picture.hashesPerHour.map(\.count).reduce(0, +) == 4 && picture.urlsByState == ["removed": 1, "shared": 1])
        #expect(picture.milestones.firstHash == 30 && picture.milestones.tenHashes == nil && picture.milestones.firstURL == 500)
    }
}
