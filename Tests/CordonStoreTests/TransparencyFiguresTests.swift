import CordonDomain
import CordonStore
import CordonTestSupport
import Foundation
import Logging
import Testing

/// The transparency figures against a stored history whose answers are known, on both
/// backends: each event counts in the year it happened, whenever the case was received.
@Suite struct TransparencyFiguresTests {
    enum Backend: String, CaseIterable, CustomStringConvertible {
        case sqlite, postgres
        var description: String { rawValue }
    }

    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    /// A new, empty database on `backend`: SQLite in `folder`, or a fresh PostgreSQL database.
    static func open(_ backend: Backend, in folder: URL) async throws -> HubDatabase {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let location: DatabaseLocation = switch backend {
        case .sqlite: .sqlite(path: folder.appendingPathComponent("hub.sqlite").path)
        case .postgres: .postgres(url: try TestPostgres.newDatabaseURL())
        }
        return try await HubDatabase(location, logger: logger)
    }

    @Test(arguments: Backend.allCases)
    func eachEventCountsInTheYearItHappened(_ backend: Backend) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordon-store-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await Self.open(backend, in: folder)
        let store = HubStore(database)
        let platform = UUID(), authority = UUID(), other = UUID()

        var cases: [CaseRecord] = []
        var urls: [CaseURLRecord] = []
        func add(_ kind: CaseKind, issuer: UUID = authority, received: String, removed: String? = nil, seconds: Double? = nil,
                 action: RemovalAction = .removed, breached: String? = nil, reinstated: String? = nil, state: CaseState? = nil,
                 gone: Bool = false) {
            let record = CaseRecord()
            record.id = UUID()
            record.kind = kind.rawValue
            record.issuerID = issuer
            record.platformID = platform
            record.reference = "R-\(cases.count)"
            record.urls = "[]"
            record.hashes = "[]"
            record.categories = "[]"
            record.statement = "test"
            record.emergency = false
            record.firstOrder = false
            record.receivedAt = Self.utc(received)
            record.sentAt = record.receivedAt
            record.alertsSent = 0
            record.reinstatable = false
            record.removedAt = removed.map(Self.utc) ?? seconds.map { record.receivedAt.addingTimeInterval($0) }
            record.removalSeconds = record.removedAt.map { $0.timeIntervalSince(record.receivedAt) }
            record.removalAction = record.removedAt == nil ? nil : action.rawValue
            record.breachedAt = breached.map(Self.utc)
            record.reinstatedAt = reinstated.map(Self.utc)
            record.state = (state ?? (reinstated != nil ? .reinstated : record.removedAt != nil ? .removed : .acknowledged)).rawValue
            record.updatedAt = [record.receivedAt, record.removedAt, record.breachedAt, record.reinstatedAt].compactMap { $0 }.max()!
            cases.append(record)
            let url = CaseURLRecord(caseID: record.id!, issuerID: issuer, url: "https://x.example/\(cases.count)", host: "x.example",
                                    nextCheckAt: nil)
            url.status = gone ? "gone" : "live"
            urls.append(url)
        }
        // Received last year, removed (late: breached last year) this year.
        add(.removalOrder, received: "2025-12-31T23:30:00Z", removed: "2026-01-01T01:00:00Z", breached: "2026-01-01T00:30:00Z")
        // This year's orders, removed after 10 min, 20 min, 50 min and 2 days.
        add(.removalOrder, received: "2026-03-01T10:00:00Z", seconds: 600)
        add(.removalOrder, received: "2026-03-02T10:00:00Z", seconds: 1200, action: .disabled)
        add(.removalOrder, received: "2026-03-03T10:00:00Z", seconds: 3000)
        add(.removalOrder, received: "2026-03-04T10:00:00Z", seconds: 172_800, breached: "2026-03-04T11:00:00Z")
        // Referrals: one removed and reinstated, one refused, one found gone by the checker.
        add(.referral, received: "2026-05-01T10:00:00Z", seconds: 60, reinstated: "2026-06-01T10:00:00Z")
        add(.referral, received: "2026-05-02T10:00:00Z", state: .refused)
        add(.referral, received: "2026-05-03T10:00:00Z", gone: true)
        // Another issuer's referral, and one from next year: counted for the platform only.
        add(.referral, issuer: other, received: "2026-07-01T10:00:00Z", seconds: 30)
        add(.referral, received: "2027-01-01T00:00:01Z", seconds: 30)
        try await store.loadCases(cases, urls: urls, batch: 3)

        let figures = try await store.transparency(of: platform, year: 2026)
        var expected = TransparencyFigures.PlatformFigures()
        expected.ordersReceived = 4
        expected.referralsReceived = 4
        expected.referralsRefused = 1
        expected.removedAfterOrders = 5
        expected.removedByOwnMeasures = 2
        expected.removed = 6
        expected.disabled = 1
        expected.deadlinesBreached = 2
        expected.reinstatements = 1
        #expect(figures.asPlatform == expected)

        let issuer = try await store.transparency(of: authority, year: 2026).asIssuer
        #expect(issuer.ordersIssued == 4 && issuer.referralsIssued == 3)
        // The referral the checker found gone is not a removal: the platform never confirmed one.
        #expect(issuer.ordersRemoved == 4 && issuer.referralsRemoved == 1)
        #expect(issuer.ordersFoundGone == 0 && issuer.referralsFoundGone == 1)
        #expect(issuer.deadlinesBreached == 1)
        let times = issuer.timeToRemoval
        #expect([times.within15Minutes, times.within30Minutes, times.within1Hour, times.within24Hours, times.over24Hours] == [1, 1, 1, 0, 1] as [Int])
        #expect(times.medianSeconds == 1200 && times.p90Seconds == 172_800)
        #expect(try await store.transparency(of: authority, year: 2025).asIssuer.ordersIssued == 1)
        await database.close()
    }
}
