@testable import CordonServices
import CordonDomain
import CordonStore
import Foundation
import HashIndex
import Testing

/// The catalog's packed fields give back every signal exactly as it was put in (but for
/// the payload, which lives in the video index), through replacements, removals and
/// reused places.
@Suite struct CatalogEntriesTests {
    let first = UUID(), second = UUID()
    let contributor = UUID(), other = UUID()

    func signals() -> [StoredSignal] {
        let created = Date(timeIntervalSinceReferenceDate: 786_000_123.456_789)
        let pdq = String(repeating: "0123456789abcdef", count: 4)
        return [
            StoredSignal(id: 1, collectionID: first, type: .pdq, value: pdq,
                         labels: SignalLabels(categories: [.incitement], entity: "Example Front"), confidence: 0.37,
                         contributors: [contributor], createdAt: created, updatedAt: created.addingTimeInterval(0.001)),
            // A value not in the canonical form is kept as it came.
            StoredSignal(id: 2, collectionID: first, type: .pdq, value: pdq.uppercased(), contributors: [contributor, other]),
            StoredSignal(id: 7, collectionID: second, type: .md5, value: "d41d8cd98f00b204e9800998ecf8427e", item: "post/81",
                         status: .disputed, contributors: [other], createdAt: created),
            StoredSignal(id: 9, collectionID: second, type: .vpdq, value: String(repeating: "ab", count: 32),
                         labels: SignalLabels(behaviours: [.glorification], incident: "drill"), contributors: [contributor],
                         payload: [1, 2, 3], fileMD5: "00112233445566778899aabbccddeeff", fileSHA256: String(repeating: "cd", count: 32)),
            StoredSignal(id: 12, collectionID: first, type: .url, value: "example.org/channel/abc", contributors: []),
        ]
    }

    @Test func signalsComeBackAsTheyWentIn() {
        var entries = CatalogEntries()
        for signal in signals() { entries.put(signal, hash: Hash256(hex: signal.value)) }
        #expect(entries.count == 5)
        for signal in signals() {
            var expected = signal
            expected.payload = nil
            #expect(entries.signal(signal.id) == expected)
            #expect(entries.signal(signal.id, in: [signal.collectionID]) == expected)
            #expect(entries.signal(signal.id, in: [signal.collectionID == first ? second : first]) == nil)
        }
        #expect(entries.signal(3) == nil && entries.signal(3, in: [first, second]) == nil && !entries.contains(3))
    }

    @Test func replacementsAndRemovalsLeaveTheOthersAlone() {
        var entries = CatalogEntries()
        let all = signals()
        for signal in all { entries.put(signal, hash: Hash256(hex: signal.value)) }
        // The video loses its digests and changes labels; the MD5 loses its item.
        var video = all[3]
        video.fileMD5 = nil
        video.fileSHA256 = nil
        video.payload = nil
        video.labels = SignalLabels(categories: [.solicitation])
        entries.put(video, hash: nil)
        var digest = all[2]
        digest.item = nil
        digest.status = .active
        entries.put(digest, hash: nil)
        #expect(entries.signal(9) == video)
        #expect(entries.signal(7) == digest)
        // A removed signal's place goes to the next one added.
        let removed = entries.remove(1)
        let removedAgain = entries.remove(1)
        #expect(removed && !removedAgain)
        let added = StoredSignal(id: 40, collectionID: second, type: .sha256, value: String(repeating: "e3", count: 32),
                                 contributors: [other])
        entries.put(added, hash: nil)
        #expect(entries.count == 5)
        #expect(entries.signal(1) == nil)
        #expect(entries.signal(40) == added)
        var expected = all[1]
        expected.payload = nil
        #expect(entries.signal(2) == expected)
        #expect(entries.signal(12) == all[4])
    }

    @Test func lowercaseHexIsTheValueItWasReadFrom() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            let hash = Hash256(random.next(), random.next(), random.next(), random.next())
            #expect(Hash256(hex: hash.lowercaseHex) == hash)
            #expect(hash.lowercaseHex == hash.lowercaseHex.lowercased())
        }
    }
}
