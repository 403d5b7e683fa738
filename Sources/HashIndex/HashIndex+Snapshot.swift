#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Snapshot files: the live entries, so an index is back in seconds after a restart.
///
/// Format: the 8 bytes `CRDNIDX1`, the entry count (UInt64, little-endian), then per entry
/// its id (UInt64, little-endian) and its 32 hash bytes (most significant first).
extension HashIndex {
    static let snapshotMagic = Array("CRDNIDX1".utf8)

    /// Writes the live entries to `path` (atomically: a temporary file, then a rename).
    public func writeSnapshot(to path: String) throws(HashIndexFileError) {
        let (ids, hashes) = entries()
        var bytes = Self.snapshotMagic
        bytes.reserveCapacity(16 + ids.count * 40)
        appendLittleEndian(UInt64(ids.count), to: &bytes)
        for (id, hash) in zip(ids, hashes) {
            appendLittleEndian(id, to: &bytes)
            for word in [hash.w0, hash.w1, hash.w2, hash.w3] {
                appendLittleEndian(word.bigEndian, to: &bytes)
            }
        }
        let temporary = path + ".tmp"
        guard let file = fopen(temporary, "wb") else {
            throw HashIndexFileError(path: path, reason: "cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file)
        guard written == bytes.count, closed == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw HashIndexFileError(path: path, reason: "could not write the whole snapshot (disk full?)")
        }
    }

    /// Reads a snapshot written by ``writeSnapshot(to:)`` and builds the index.
    public static func loadSnapshot(from path: String, designRadius: Int = 31) throws(HashIndexFileError) -> HashIndex {
        guard let file = fopen(path, "rb") else {
            throw HashIndexFileError(path: path, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var header = [UInt8](repeating: 0, count: 16)
        guard fread(&header, 1, 16, file) == 16, Array(header.prefix(8)) == snapshotMagic else {
            throw HashIndexFileError(path: path, reason: "not a Cordon index snapshot (bad header)")
        }
        let count = Int(header[8..<16].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        guard count >= 0, count < Int(UInt32.max) else {
            throw HashIndexFileError(path: path, reason: "the header claims \(count) entries")
        }
        var body = [UInt8](repeating: 0, count: count * 40)
        guard fread(&body, 1, body.count, file) == body.count else {
            throw HashIndexFileError(path: path, reason: "truncated: the header promises \(count) entries")
        }
        var ids = [UInt64](repeating: 0, count: count)
        var hashes = [Hash256](repeating: Hash256(0, 0, 0, 0), count: count)
        body.withUnsafeBytes { raw in
            for i in 0..<count {
                let entry = raw.baseAddress! + i * 40
                ids[i] = UInt64(littleEndian: entry.loadUnaligned(as: UInt64.self))
                hashes[i] = Hash256(
                    UInt64(bigEndian: entry.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                    UInt64(bigEndian: entry.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
                    UInt64(bigEndian: entry.loadUnaligned(fromByteOffset: 24, as: UInt64.self)),
                    UInt64(bigEndian: entry.loadUnaligned(fromByteOffset: 32, as: UInt64.self)))
            }
        }
        return HashIndex(ids: ids, hashes: hashes, designRadius: designRadius)
    }
}

private func appendLittleEndian(_ value: UInt64, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
}

/// A snapshot file that could not be written or read.
public struct HashIndexFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "\(path): \(reason)" }
}
