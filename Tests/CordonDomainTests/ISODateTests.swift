import CordonDomain
import Foundation
import Testing

/// Times the hub reads (`at`, `until`, `reviewBy`, `?before=`): RFC 3339 as the document's
/// pattern says, and no day a month does not have (Foundation rolled June 31 into July 1,
/// so schemathesis's invalid date was accepted).
struct ISODateTests {
    @Test func daysPastTheMonthsEndAreRefused() {
        #expect(RemovalOrderContent.parseDate("7102-06-31T20:58:03.7-17:26") == nil)
        #expect(RemovalOrderContent.parseDate("2026-02-29T00:00:00Z") == nil)
        #expect(RemovalOrderContent.parseDate("2026-13-01T00:00:00Z") == nil)
        #expect(RemovalOrderContent.parseDate("1900-02-29T00:00:00Z") == nil)
    }

    @Test func everyFormTheDocumentAllowsIsRead() {
        let cases: [(String, TimeInterval)] = [
            ("2026-11-23T10:00:00Z", 1_795_428_000), ("2026-11-23T10:00:00.5Z", 1_795_428_000.5),
            ("2026-11-23T11:00:00+01:00", 1_795_428_000), ("2026-11-23T04:30:00-05:30", 1_795_428_000),
            ("2024-02-29T00:00:00Z", 1_709_164_800), ("2000-02-29T00:00:00Z", 951_782_400),
        ]
        for (text, seconds) in cases {
            #expect(RemovalOrderContent.parseDate(text)?.timeIntervalSince1970 == seconds, "\(text)")
        }
    }
}
