import CordonDomain
import CordonStore
import Foundation
import HashIndex

/// The fields of every matchable signal, packed: what a match answer needs, at about a
/// fifth of the memory of a dictionary of ``StoredSignal``s.
///
/// A million `StoredSignal`s in a dictionary took over 500 MB (a 208-byte value per
/// bucket, and a heap string per hash), and a hub's or mirror's start spent a third of
/// its time having the kernel clear those pages. Here a PDQ hash is kept as its 32 bytes,
/// labels, contributor lists and collections once each, times as numbers, and the rarer
/// fields (another type's value, an item, file digests) beside the entry only where a
/// signal has them. A signal read back equals the one put in, but for its payload, which
/// lives in the video index.
struct CatalogEntries {
    private struct Entry {
        /// A PDQ signal's value; zero for other types (their value is in ``Extras``).
        var hash: Hash256
        /// `Date.timeIntervalSinceReferenceDate`, `nan` for none.
        var createdAt: Double
        var updatedAt: Double
        var confidence: Double
        var labels: UInt32
        var contributors: UInt32
        var collection: UInt32
        var type: SignalType
        var status: SignalStatus
        var hasExtras: Bool
    }

    /// What few signals have, kept apart from the entries.
    private struct Extras {
        var value: String?
        var item: String?
        var fileMD5: String?
        var fileSHA256: String?
    }

    private var slots: [Int: UInt32] = [:]
    private var entries: [Entry] = []
    private var free: [UInt32] = []
    private var extras: [Int: Extras] = [:]
    private var labels = Interned<SignalLabels>()
    private var contributors = Interned<[UUID]>()
    private var collections = Interned<UUID>()

    var count: Int { slots.count }

    mutating func reserve(_ count: Int) {
        slots.reserveCapacity(count)
        entries.reserveCapacity(count)
    }

    func contains(_ id: Int) -> Bool { slots[id] != nil }

    /// The signal as it was put in (without its payload), if it is in one of `only`
    /// (checked before the signal is built: most hits of a search are elsewhere).
    func signal(_ id: Int, in only: Set<UUID>? = nil) -> StoredSignal? {
        guard let slot = slots[id] else { return nil }
        let entry = entries[Int(slot)]
        if let only, !only.contains(collections.values[Int(entry.collection)]) { return nil }
        let more = entry.hasExtras ? extras[id] : nil
        return StoredSignal(
            id: id, collectionID: collections.values[Int(entry.collection)], type: entry.type,
            value: more?.value ?? entry.hash.lowercaseHex, item: more?.item,
            labels: labels.values[Int(entry.labels)], confidence: entry.confidence, status: entry.status,
            contributors: contributors.values[Int(entry.contributors)],
            createdAt: entry.createdAt.isNaN ? nil : Date(timeIntervalSinceReferenceDate: entry.createdAt),
            updatedAt: entry.updatedAt.isNaN ? nil : Date(timeIntervalSinceReferenceDate: entry.updatedAt),
            fileMD5: more?.fileMD5, fileSHA256: more?.fileSHA256)
    }

    /// Adds `signal`, or replaces the fields of the one with its id. `hash` is its PDQ
    /// value, parsed already by the caller.
    /// Ids of the signals whose labels satisfy `test`, each label set tested once.
    func ids(labelled test: (SignalLabels) -> Bool) -> [Int] {
        let places = Set(labels.values.indices.filter { test(labels.values[$0]) }.map(UInt32.init))
        guard !places.isEmpty else { return [] }
        return slots.compactMap { id, slot in places.contains(entries[Int(slot)].labels) ? id : nil }.sorted()
    }

    mutating func put(_ signal: StoredSignal, hash: Hash256?) {
        guard let existing = slots[signal.id] else {
            add(signal, hash: hash)
            return
        }
        let (entry, more) = packed(signal, hash: hash)
        if let more {
            extras[signal.id] = more
        } else if entries[Int(existing)].hasExtras {
            extras[signal.id] = nil
        }
        entries[Int(existing)] = entry
    }

    /// Adds a signal unless one with its id is here, in one lookup (start-up reads a
    /// million); false if it was here.
    @discardableResult
    mutating func add(_ signal: StoredSignal, hash: Hash256?) -> Bool {
        let slot = free.last ?? UInt32(entries.count)
        if let present = slots.updateValue(slot, forKey: signal.id) {
            slots[signal.id] = present
            return false
        }
        if !free.isEmpty { free.removeLast() }
        let (entry, more) = packed(signal, hash: hash)
        if let more { extras[signal.id] = more }
        if Int(slot) == entries.count { entries.append(entry) } else { entries[Int(slot)] = entry }
        return true
    }

    private mutating func packed(_ signal: StoredSignal, hash: Hash256?) -> (Entry, Extras?) {
        var more = Extras(item: signal.item, fileMD5: signal.fileMD5, fileSHA256: signal.fileSHA256)
        // The hash parsed from 64 hex digits gives them back if none was a capital.
        let packed = hash.flatMap { hash in Self.hasNoCapital(signal.value) ? hash : nil }
        if packed == nil { more.value = signal.value }
        let hasExtras = more.value != nil || more.item != nil || more.fileMD5 != nil || more.fileSHA256 != nil
        let entry = Entry(
            hash: packed ?? Hash256(0, 0, 0, 0),
            createdAt: signal.createdAt?.timeIntervalSinceReferenceDate ?? .nan,
            updatedAt: signal.updatedAt?.timeIntervalSinceReferenceDate ?? .nan,
            confidence: signal.confidence, labels: labels.index(of: signal.labels),
            contributors: contributors.index(of: signal.contributors), collection: collections.index(of: signal.collectionID),
            type: signal.type, status: signal.status, hasExtras: hasExtras)
        return (entry, hasExtras ? more : nil)
    }

    /// Whether hex digits have no capital: digits and `a`–`f` have ASCII's 0x20 bit, `A`–`F`
    /// have not (one pass the compiler vectorises; a search per byte was a tenth of loading).
    private static func hasNoCapital(_ hex: String) -> Bool {
        var hex = hex
        return hex.withUTF8 { digits in
            var all: UInt8 = 0x20
            for digit in digits { all &= digit }
            return all & 0x20 != 0
        }
    }

    /// Takes the signal out; false if it was not here.
    @discardableResult
    mutating func remove(_ id: Int) -> Bool {
        guard let slot = slots.removeValue(forKey: id) else { return false }
        if entries[Int(slot)].hasExtras { extras[id] = nil }
        free.append(slot)
        return true
    }
}

/// Values that repeat across millions of signals, each kept once and named by its place.
private struct Interned<Value: Hashable> {
    private(set) var values: [Value] = []
    private var places: [Value: UInt32] = [:]
    /// The last value asked for: signals come in runs with the same labels, and equal
    /// values read from the store share storage, so comparing first is cheaper than hashing.
    private var last: (value: Value, place: UInt32)?

    mutating func index(of value: Value) -> UInt32 {
        if let last, last.value == value { return last.place }
        let place: UInt32
        if let known = places[value] {
            place = known
        } else {
            place = UInt32(values.count)
            values.append(value)
            places[value] = place
        }
        last = (value, place)
        return place
    }
}

extension Hash256 {
    /// The 64 lowercase hex digits, the way signals store a PDQ value.
    var lowercaseHex: String {
        String(unsafeUninitializedCapacity: 64) { buffer in
            let digits: StaticString = "0123456789abcdef"
            digits.withUTF8Buffer { digits in
                for index in 0..<4 {
                    let word = index == 0 ? w0 : index == 1 ? w1 : index == 2 ? w2 : w3
                    for nibble in 0..<16 {
                        buffer[index * 16 + nibble] = digits[Int(word >> UInt64(60 - nibble * 4) & 0xF)]
                    }
                }
            }
            return 64
        }
    }
}
