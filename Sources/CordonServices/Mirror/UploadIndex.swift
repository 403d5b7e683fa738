import Foundation
import HashIndex
import Synchronization

/// The platform's past uploads by hash, in memory, so a hash the hub shares later is
/// searched against all of them at once: PDQ by Hamming distance, digests exactly.
final class UploadIndex: Sendable {
    private let pdq = HashIndex()
    private let digests = Mutex<[String: [Int]]>([:])

    func insert(id: Int, pdq hex: String?, md5: String?, sha256: String?) {
        if let hex, let hash = Hash256(hex: hex) {
            pdq.insert(hash, id: UInt64(id))
            // Searches scan what is not yet in the tables: fold it in now and then.
            if pdq.pendingChanges > 20_000 { pdq.compact() }
        }
        digests.withLock { table in
            for digest in [md5, sha256].compactMap({ $0 }) { table[digest, default: []].append(id) }
        }
    }

    /// Uploads within `maxDistance` of a PDQ hash, with their distance.
    func uploads(near hex: String, maxDistance: Int) -> [(id: Int, distance: Int)] {
        guard let hash = Hash256(hex: hex) else { return [] }
        return pdq.search(hash, maxDistance: maxDistance).map { (Int($0.id), $0.distance) }
    }

    /// Uploads with exactly this MD5 or SHA-256.
    func uploads(withDigest digest: String) -> [Int] {
        digests.withLock { $0[digest] ?? [] }
    }
}
