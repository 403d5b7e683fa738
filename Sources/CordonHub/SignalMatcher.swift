import CordonDomain
import CordonStore
import Foundation
import HashIndex
import Synchronization

/// The hub's in-memory view of every matchable signal: PDQ hashes in a ``HashIndex``,
/// digests in ``DigestSet``s, and which collection each signal is in, so a match is
/// answered without touching the database and restricted to the caller's collections.
final class SignalMatcher: Sendable {
    private let pdq = HashIndex()
    private let md5 = DigestSet(length: 16)
    private let sha256 = DigestSet(length: 32)
    /// Indexed signal id → its collection.
    private let indexed = Mutex<[Int: UUID]>([:])

    /// Loads every matchable signal (at start-up).
    func load(_ signals: [(id: Int, collectionID: UUID, type: SignalType, value: String)]) {
        var entries: [(UInt64, Hash256)] = []
        for signal in signals {
            guard let bytes = Self.bytes(signal.value) else { continue }
            switch signal.type {
            case .pdq: if let hash = Hash256(bytes: bytes) { entries.append((UInt64(signal.id), hash)) }
            case .md5: try? md5.insert(bytes, id: UInt64(signal.id))
            case .sha256: try? sha256.insert(bytes, id: UInt64(signal.id))
            }
        }
        pdq.insert(contentsOf: entries)
        pdq.compact()
        indexed.withLock { indexed in
            for signal in signals { indexed[signal.id] = signal.collectionID }
        }
    }

    /// Brings one signal's entry up to date after a write.
    func apply(_ signal: StoredSignal) {
        let id = UInt64(signal.id)
        let wasIndexed = indexed.withLock { $0[signal.id] != nil }
        if signal.status == .retracted {
            guard wasIndexed else { return }
            switch signal.type {
            case .pdq: pdq.remove(id: id)
            case .md5: md5.remove(id: id)
            case .sha256: sha256.remove(id: id)
            }
            indexed.withLock { $0[signal.id] = nil }
            return
        }
        guard !wasIndexed, let bytes = Self.bytes(signal.value) else { return }
        switch signal.type {
        case .pdq: if let hash = Hash256(bytes: bytes) { pdq.insert(hash, id: id) }
        case .md5: try? md5.insert(bytes, id: id)
        case .sha256: try? sha256.insert(bytes, id: id)
        }
        indexed.withLock { $0[signal.id] = signal.collectionID }
        if pdq.pendingChanges > 50_000 { pdq.compact() }
    }

    /// Signal ids (with distance) matching `value` within `maxDistance` (PDQ) or exactly
    /// (digests), in the given collections only.
    func match(type: SignalType, value: String, maxDistance: Int, in collections: Set<UUID>) -> [(id: Int, distance: Int)] {
        guard let bytes = Self.bytes(value) else { return [] }
        let found: [(Int, Int)]
        switch type {
        case .pdq:
            guard let hash = Hash256(bytes: bytes) else { return [] }
            found = pdq.search(hash, maxDistance: maxDistance).map { (Int($0.id), $0.distance) }
        case .md5: found = md5.lookup(bytes).map { (Int($0), 0) }
        case .sha256: found = sha256.lookup(bytes).map { (Int($0), 0) }
        }
        return indexed.withLock { indexed in
            found.filter { indexed[$0.0].map(collections.contains) ?? false }.map { (id: $0.0, distance: $0.1) }
        }
    }

    static func bytes(_ hex: String) -> [UInt8]? {
        let utf8 = Array(hex.utf8)
        guard utf8.count.isMultiple(of: 2) else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let high = nibble(utf8[i]), let low = nibble(utf8[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        case 65...70: c - 55
        default: nil
        }
    }
}
