import ArgumentParser
import AsyncHTTPClient
import CordonDomain
import CordonStore
import Foundation
import NIOCore
import NIOHTTP1

/// A Europol-scale case history for the query benchmark: `count` closed and open cases
/// over the two years before `now`, between the benchmark's platform and authority and a
/// crowd of others. The benchmark's platform receives a third of them and its authority
/// issues two fifths, so their inbox and reports read the most rows.
struct StoredCaseLoad {
    let count: Int
    let platform: UUID
    let authority: UUID
    let now: Date

    /// Stores the cases (deterministic: the same count gives the same history).
    func store(in store: HubStore) async throws {
        var random = SplitMix(seed: 2021_784)
        let platforms = [platform] + (0..<39).map { _ in UUID() }
        let authorities = [authority] + (0..<9).map { _ in UUID() }
        var cases: [CaseRecord] = []
        var urls: [CaseURLRecord] = []
        cases.reserveCapacity(count)
        urls.reserveCapacity(count)
        for index in 0..<count {
            let record = CaseRecord()
            let id = UUID()
            record.id = id
            let order = random.unit() < 0.4
            record.kind = (order ? CaseKind.removalOrder : .referral).rawValue
            record.issuerID = random.unit() < 0.4 ? authority : authorities[Int(random.next() % 10)]
            record.platformID = random.unit() < 1.0 / 3 ? platform : platforms[Int(random.next() % 40)]
            record.reference = "H-\(index)"
            let url = "https://host\(random.next() % 5000).example.net/item/\(index)"
            record.urls = "[\"\(url)\"]"
            record.hashes = "[]"
            record.categories = "[\"incitement\"]"
            record.statement = "Stored history"
            record.emergency = false
            record.firstOrder = false
            record.receivedAt = now.addingTimeInterval(-86_400 - random.unit() * 730 * 86_400)
            record.sentAt = record.receivedAt
            record.alertsSent = 0
            record.reinstatable = false
            if order { record.deadlineAt = record.receivedAt.addingTimeInterval(3600) }
            let outcome = random.unit()
            if outcome < 0.85 {
                // Removed after a spread of delays: mostly minutes, a tail of days.
                let seconds = 30 * pow(2, random.unit() * 13)
                record.state = CaseState.removed.rawValue
                record.removedAt = record.receivedAt.addingTimeInterval(seconds)
                record.removalSeconds = seconds
                record.removalAction = random.unit() < 0.8 ? RemovalAction.removed.rawValue : RemovalAction.disabled.rawValue
                record.closedAt = record.removedAt
                if order, seconds > 3600 { record.breachedAt = record.deadlineAt }
            } else if outcome < 0.95 {
                record.state = CaseState.refused.rawValue
                record.refusalReason = "not terrorist content"
                record.closedAt = record.receivedAt.addingTimeInterval(7200)
            } else {
                record.state = CaseState.acknowledged.rawValue
                record.acknowledgedAt = record.receivedAt.addingTimeInterval(60)
                if order { record.breachedAt = record.deadlineAt }
            }
            record.updatedAt = record.closedAt ?? record.receivedAt
            cases.append(record)
            let stored = CaseURLRecord(caseID: id, issuerID: record.issuerID, url: url,
                                       host: URL(string: url)!.host!, nextCheckAt: nil)
            stored.status = record.removedAt == nil ? "live" : "gone"
            urls.append(stored)
        }
        try await store.loadCases(cases, urls: urls)
    }

    /// Milliseconds each of `repeats` sequential GETs of `path` took (HTTP 200 required).
    static func time(_ url: String, key: String, repeats: Int) async throws -> [Double] {
        try await time(url, headers: [("Authorization", "Bearer \(key)")], repeats: repeats)
    }

    /// Milliseconds of each of `repeats` GETs of `url` with `headers`, one after another.
    static func time(_ url: String, headers: [(String, String)], repeats: Int) async throws -> [Double] {
        var times: [Double] = []
        for _ in 0..<repeats {
            var request = HTTPClientRequest(url: url)
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            let started = ContinuousClock.now
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 16 << 20)
            let elapsed = ContinuousClock.now - started
            guard response.status == .ok else {
                throw ValidationError("GET \(url) answered HTTP \(response.status.code): \(String(buffer: body))")
            }
            times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
        }
        return times
    }
}

/// A small, fast, seeded generator, so the stored history is the same on every run.
struct SplitMix: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
