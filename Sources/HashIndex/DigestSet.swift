import Synchronization

/// Exact-match sets for fixed-length digests (MD5: 16 bytes, SHA-256: 32 bytes, or any
/// other length up to 64 bytes): digest → ids, with one writer and many readers.
public final class DigestSet: Sendable {
    /// The digest length this set accepts, in bytes.
    public let length: Int
    private let table = Mutex<[Digest: [UInt64]]>([:])

    /// A digest's bytes, packed for hashing.
    struct Digest: Hashable {
        var words: [UInt64]
    }

    public init(length: Int) {
        precondition((1...64).contains(length), "digests are 1 to 64 bytes")
        self.length = length
    }

    /// Adds `id` under `digest`. Throws when the digest has the wrong length.
    public func insert(_ digest: some Collection<UInt8>, id: UInt64) throws(DigestLengthError) {
        let key = try pack(digest)
        table.withLock { table in
            if table[key]?.contains(id) != true { table[key, default: []].append(id) }
        }
    }

    /// Removes `id` from `digest`: one lookup, where ``remove(id:)`` scans every digest.
    public func remove(_ digest: some Collection<UInt8>, id: UInt64) {
        guard let key = try? pack(digest) else { return }
        table.withLock { table in
            guard let ids = table[key] else { return }
            let rest = ids.filter { $0 != id }
            table[key] = rest.isEmpty ? nil : rest
        }
    }

    /// Removes `id` from every digest it was stored under (a scan of the whole set).
    public func remove(id: UInt64) {
        table.withLock { table in
            for (key, ids) in table where ids.contains(id) {
                let rest = ids.filter { $0 != id }
                table[key] = rest.isEmpty ? nil : rest
            }
        }
    }

    /// The ids stored under `digest` (empty when none, or when its length is wrong).
    public func lookup(_ digest: some Collection<UInt8>) -> [UInt64] {
        guard let key = try? pack(digest) else { return [] }
        return table.withLock { $0[key] ?? [] }
    }

    public var count: Int { table.withLock { $0.count } }

    private func pack(_ digest: some Collection<UInt8>) throws(DigestLengthError) -> Digest {
        guard digest.count == length else { throw DigestLengthError(expected: length, actual: digest.count) }
        var words = [UInt64](repeating: 0, count: (length + 7) / 8)
        for (index, byte) in digest.enumerated() {
            words[index / 8] |= UInt64(byte) << UInt64(8 * (index % 8))
        }
        return Digest(words: words)
    }
}

/// A digest of the wrong length for its set (an MD5 given where SHA-256 is stored, say).
public struct DigestLengthError: Error, Hashable, Sendable, CustomStringConvertible {
    public var expected: Int
    public var actual: Int

    public var description: String {
        "a digest here is \(expected) bytes (\(expected * 2) hex digits); got \(actual) bytes"
    }
}
