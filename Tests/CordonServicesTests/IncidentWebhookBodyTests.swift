import CordonDomain
@testable import CordonServices
import CordonStore
import Foundation
import Testing

/// An incident's event goes to every subscriber, but is stored once: each delivery's body is
/// written from the event when it is sent (review F15: 10,000 hashes were copied into one
/// row per subscribing webhook and kept).
@Suite struct IncidentWebhookBodyTests {
    @Test func hashesSharedInAnIncidentAreStoredOnceAndSentInFullToEachSubscriber() async throws {
        let w = try await HubServicesTests.world()
        defer { Task { await w.close() } }
        let unit = try await HubServicesTests.member(w, "R", .referralUnit, .contributor)
        let boardA = try await HubServicesTests.member(w, "B1", .platform, .admin)
        let boardB = try await HubServicesTests.member(w, "B2", .platform, .admin)
        for member in [boardA, boardB] { try await w.services.seatBoard(member.organisationID, .init(seated: true), by: w.operator_) }
        let criteria = IncidentCriteria(ongoingOrRecentAttack: true, perpetratorProducedViolentContent: true, presentOnMemberPlatforms: true)
        let incident = try await w.services.propose(.init(title: "Attack", summary: "Livestreamed attack", location: "Halle",
                                                          occurredAt: "2026-11-23T10:00:00Z", contentSeen: "perpetrator video",
                                                          criteria: criteria), by: unit)
        for member in [boardA, boardB] { _ = try await w.services.vote(on: incident.id, .init(decision: .activate), by: member) }

        // Three subscribers (the address policy is the service's to check; the store takes any URL).
        let store = w.services.store
        var hooks: [UUID] = []
        for (index, member) in [boardA, boardB, unit].enumerated() {
            let hook = try await store.createWebhook(url: "https://hooks.example/\(index)", events: ["incident-hashes"],
                                                     secret: "whsec_\(index)", by: member, now: Date())
            hooks.append(hook.id!)
        }
        let values = (0..<300).map { String(format: "%064x", $0 * 7919 + 1) }
        _ = try await w.services.contributeHashes(.init(signals: values.map { SignalSubmission(type: .pdq, value: $0) }, isBulk: true),
                                                  to: incident.id, by: boardA)

        for hook in hooks {
            let queued = try await store.deliveries(of: hook, state: "pending", limit: 10)
            #expect(queued.map(\.eventKind) == ["incident-hashes"])
            #expect(queued.allSatisfy { $0.body.isEmpty }, "a copy of the event was stored with the delivery")
        }
        let due = try await store.claimDueDeliveries(now: Date().addingTimeInterval(5), lease: 60, limit: 10)
        #expect(Set(due.map(\.1.id!)) == Set(hooks))
        let bodies = Set(due.map(\.0.body))
        #expect(bodies.count == 1, "every subscriber is sent the same event")
        let sent = try #require(bodies.first.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        #expect(sent["event"] as? String == "incident-hashes" && sent["incidentID"] as? String == incident.id.uuidString)
        let hashes = ((sent["detail"] as? [String: Any])?["hashes"] as? [[String: Any]])?.compactMap { $0["value"] as? String }
        #expect(hashes.map(Set.init) == Set(values))
    }
}
