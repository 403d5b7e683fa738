import ArgumentParser
import Foundation
import NIOHTTP1

/// A scripted crisis exercise against a hub, through its public API only: two board
/// members and N simulated platforms are set up (found by name, so repeated runs reuse
/// them), a drill is proposed and activated by quorum, the platforms contribute variants
/// at a steady rate, share URLs and report matches, the board concludes, and the
/// after-action report's figures come back. The drill is then purged and the keys revoked.
struct DrillScript {
    let admin: HubAPI
    let platforms: Int
    let variants: Int
    let contributions: Int
    let rate: Double
    /// Called with each platform's organisation id and key once they exist (to add
    /// webhooks and live subscribers for the benchmark).
    var onPlatforms: ([(UUID, HubAPI)]) async throws -> Void = { _ in }
    /// Called before the activating vote.
    var onActivating: (_ incident: UUID, _ collection: UUID, _ at: Date) async throws -> Void = { _, _, _ in }
    /// Called with each hash just before it is sent.
    var onContributing: (_ value: String, _ at: Date) -> Void = { _, _ in }

    struct Cast {
        var boards: [HubAPI]
        var platforms: [(UUID, HubAPI)]
        var keys: [String]
    }

    /// Runs the exercise; returns the after-action report.
    func run(keep: Bool) async throws -> [String: Any] {
        let cast = try await setUp()
        do {
            let report = try await exercise(cast, keep: keep)
            await revoke(cast)
            return report
        } catch {
            await revoke(cast)
            throw error
        }
    }

    private func revoke(_ cast: Cast) async {
        for key in cast.keys { _ = try? await admin.object(.DELETE, "/v1/keys/\(key)") }
    }

    private func exercise(_ cast: Cast, keep: Bool) async throws -> [String: Any] {
        try await onPlatforms(cast.platforms)
        let (a, b) = (cast.boards[0], cast.boards[1])
        let proposal: [String: Any] = [
            "title": "Drill: livestreamed attack", "summary": "Exercise of the crisis protocol (no real content)",
            "location": "Exercise", "occurredAt": ISO8601DateFormatter().string(from: Date()),
            "contentSeen": "Simulated perpetrator video and \(variants) variants", "drill": true,
            "criteria": ["ongoingOrRecentAttack": true, "perpetratorProducedViolentContent": true, "presentOnMemberPlatforms": true],
        ]
        let incident = try await a.object(.POST, "/v1/incidents", json: proposal)
        guard let id = (incident["id"] as? String).flatMap(UUID.init), let collection = (incident["collection"] as? String).flatMap(UUID.init)
        else { throw ValidationError("the hub answered a proposal without an id") }
        try await a.object(.POST, "/v1/incidents/\(id)/votes", json: ["decision": "activate", "reason": "drill"])
        try await onActivating(id, collection, Date())
        try await b.object(.POST, "/v1/incidents/\(id)/votes", json: ["decision": "activate", "reason": "drill"])

        // Contributions at a steady rate: first the distinct variants, then near copies of them.
        var random = SplitMix(seed: 2019_0315)
        var originals: [[UInt8]] = []
        try await withThrowingTaskGroup(of: Void.self) { group in
            let start = ContinuousClock.now
            for index in 0..<contributions {
                var bytes = (0..<32).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                if index < variants {
                    originals.append(bytes)
                } else {
                    bytes = originals[index % originals.count]
                    for bit in 0..<8 { bytes[Int(random.next() % 32)] ^= 1 << (bit % 8) }
                }
                let value = bytes.map { String(format: "%02x", $0) }.joined()
                let platform = cast.platforms[index % cast.platforms.count].1
                try await ContinuousClock().sleep(until: start + .milliseconds(Int(Double(index) * 1000 / rate)))
                onContributing(value, Date())
                group.addTask {
                    try await platform.object(.POST, "/v1/incidents/\(id)/hashes", json: ["type": "pdq", "value": value, "confidence": 1.0])
                }
            }
            try await group.waitForAll()
        }
        for (index, (_, platform)) in cast.platforms.enumerated() {
            try await platform.object(.POST, "/v1/incidents/\(id)/urls", json: [
                "url": "https://platform\(index).example.net/watch/\(index)", "views": 100 * (index + 1), "note": "drill copy"])
            try await platform.object(.POST, "/v1/incidents/\(id)/matches", json: ["matches": Int(random.next() % 5000)])
        }
        try await a.object(.POST, "/v1/incidents/\(id)/votes", json: ["decision": "conclude", "reason": "volume has dropped"])
        try await b.object(.POST, "/v1/incidents/\(id)/votes", json: ["decision": "conclude", "reason": "volume has dropped"])
        let report = try await a.object(.GET, "/v1/incidents/\(id)/report")
        if !keep { try await a.object(.DELETE, "/v1/incidents/\(id)") }
        return report
    }

    /// Finds or creates the board members and platforms; gives each a fresh admin key.
    private func setUp() async throws -> Cast {
        let existing = try await admin.array(.GET, "/v1/organisations")
        var keys: [String] = []
        func member(_ name: String, kind: String) async throws -> (UUID, HubAPI) {
            var id = existing.first { $0["name"] as? String == name }?["id"] as? String
            if id == nil { id = try await admin.object(.POST, "/v1/organisations", json: ["name": name, "kind": kind])["id"] as? String }
            guard let id, let uuid = UUID(uuidString: id) else { throw ValidationError("could not create organisation '\(name)'") }
            let key = try await admin.object(.POST, "/v1/organisations/\(id)/keys", json: ["role": "admin", "label": "drill"])
            guard let secret = key["secret"] as? String, let keyID = key["id"] as? String else {
                throw ValidationError("the hub gave no key for '\(name)'")
            }
            keys.append(keyID)
            return (uuid, HubAPI(base: admin.base, key: secret))
        }
        var boards: [HubAPI] = []
        for name in ["Drill board A", "Drill board B"] {
            let (id, api) = try await member(name, kind: "referral-unit")
            try await admin.object(.PUT, "/v1/organisations/\(id)/board", json: ["seated": true])
            boards.append(api)
        }
        var cast: [(UUID, HubAPI)] = []
        for index in 1...platforms {
            cast.append(try await member(String(format: "Drill platform %02d", index), kind: "platform"))
        }
        return Cast(boards: boards, platforms: cast, keys: keys)
    }
}
